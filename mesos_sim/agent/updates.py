"""The agent's status update manager: per task, updates are sent to the master one at a
time and resent every retry interval until the framework ACKNOWLEDGEs that update's uuid."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ..aio import spawn

log = logging.getLogger(__name__)

Forward = Callable[[str, dict, str], Awaitable[bool]]


@dataclass
class UpdateStream:
    """Pending (unacknowledged) updates of one task, oldest first."""

    framework_id: str
    task_id: str
    pending: deque = field(default_factory=deque)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    sender: asyncio.Task | None = None


class StatusUpdateManager:
    """Reliable delivery of status updates through ``forward(framework_id, status, latest)``."""

    def __init__(
        self,
        forward: Forward,
        retry_interval: float,
        on_acknowledged: Callable[[str, str, dict], None],
    ) -> None:
        self.forward = forward
        self.retry_interval = retry_interval
        self.on_acknowledged = on_acknowledged
        self.streams: dict[tuple[str, str], UpdateStream] = {}
        self.latest: dict[tuple[str, str], str] = {}

    def add(self, framework_id: str, status: dict) -> None:
        """Queue an update (it carries a uuid) and start sending if idle."""
        key = (framework_id, status["task_id"]["value"])
        stream = self.streams.get(key)
        if stream is None:
            stream = self.streams[key] = UpdateStream(framework_id, key[1])
        stream.pending.append(status)
        self.latest[key] = status["state"]
        if stream.sender is None or stream.sender.done():
            stream.sender = spawn(self._send_loop(stream), f"updates {key[1]}")

    async def _send_loop(self, stream: UpdateStream) -> None:
        key = (stream.framework_id, stream.task_id)
        while stream.pending:
            head = stream.pending[0]
            stream.wake.clear()
            await self.forward(stream.framework_id, head, self.latest.get(key, head["state"]))
            try:
                await asyncio.wait_for(stream.wake.wait(), self.retry_interval)
            except TimeoutError:
                log.info("Resending unacknowledged %s of task %s", head["state"], stream.task_id)

    def acknowledge(self, framework_id: str, task_id: str, uuid: str) -> bool:
        """Drop the head update if ``uuid`` is its uuid; False for a stale or unknown ack."""
        key = (framework_id, task_id)
        stream = self.streams.get(key)
        if stream is None or not stream.pending or stream.pending[0].get("uuid") != uuid:
            log.warning("Ignoring unexpected acknowledgement %s for task %s", uuid, task_id)
            return False
        acked = stream.pending.popleft()
        stream.wake.set()
        if not stream.pending:
            self.streams.pop(key, None)
        self.on_acknowledged(framework_id, task_id, acked)
        return True

    def resend_now(self) -> None:
        """After (re-)registration, or a framework failover: resend every stream's head at once."""
        for stream in self.streams.values():
            stream.wake.set()

    def drop_framework(self, framework_id: str) -> None:
        """Forget the updates of a removed framework."""
        for key in [k for k in self.streams if k[0] == framework_id]:
            stream = self.streams.pop(key)
            stream.pending.clear()
            stream.wake.set()

    def pending_for(self, framework_id: str, task_id: str) -> dict | None:
        """The oldest unacknowledged update of a task."""
        stream = self.streams.get((framework_id, task_id))
        return stream.pending[0] if stream and stream.pending else None
