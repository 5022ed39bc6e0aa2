"""One scheduler's RecordIO event stream over a chunked HTTP response.

Events wait in a bounded queue; the request handler coroutine writes them, and a HEARTBEAT
every heartbeat interval. A scheduler that reads too
slowly fills its queue and has its connection closed (Mesos closes slow streams too), so it can
never stall the loop or other streams.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from ..recordio import encode_json

log = logging.getLogger(__name__)

HEARTBEAT = {"type": "HEARTBEAT"}
_CLOSE = b""


class EventStream:
    """Queue + writer for one subscription (``stream_id`` is the Mesos-Stream-Id)."""

    def __init__(
        self,
        stream_id: str,
        response: web.StreamResponse,
        request: web.Request,
        *,
        heartbeat_interval: float,
        max_queue: int,
        on_closed: Callable[[EventStream], None],
    ) -> None:
        self.stream_id = stream_id
        self.response = response
        self.request = request
        self.heartbeat_interval = heartbeat_interval
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=max_queue)
        self.on_closed = on_closed
        self.closed = False
        self.events_sent = 0

    def send(self, event: dict) -> None:
        """Queue one event; a full queue closes the stream."""
        if self.closed:
            return
        try:
            self.queue.put_nowait(encode_json(event))
        except asyncio.QueueFull:
            log.warning("Closing stream %s: the scheduler reads too slowly", self.stream_id)
            self.abort()

    def close(self) -> None:
        """Close after the events already queued are written."""
        if self.closed:
            return
        try:
            self.queue.put_nowait(_CLOSE)
        except asyncio.QueueFull:
            self.abort()

    def abort(self) -> None:
        """Close at once, dropping queued events."""
        if self.closed:
            return
        transport = self.request.transport
        if transport is not None:
            transport.abort()
        self._mark_closed()

    def _mark_closed(self) -> None:
        if not self.closed:
            self.closed = True
            self.on_closed(self)

    async def run(self) -> None:
        """Write queued events until closed, and a HEARTBEAT every interval (like Mesos's
        heartbeater, whether or not other events flow)."""
        loop = asyncio.get_running_loop()
        next_heartbeat = loop.time() + self.heartbeat_interval
        try:
            while not self.closed:
                try:
                    data = await asyncio.wait_for(
                        self.queue.get(), max(0.0, next_heartbeat - loop.time())
                    )
                except TimeoutError:
                    data = encode_json(HEARTBEAT)
                    next_heartbeat = loop.time() + self.heartbeat_interval
                if data == _CLOSE:
                    break
                await self.response.write(data)
                self.events_sent += 1
        except (ConnectionError, RuntimeError) as exc:
            log.info("Stream %s closed: %s", self.stream_id, type(exc).__name__)
        finally:
            self._mark_closed()
