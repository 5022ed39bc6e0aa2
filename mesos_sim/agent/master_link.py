"""The agent's side of the internal master-agent link: finding the leading master
(``--master=host:port`` or ``zk://``), (re-)registering, and noticing a silent master
(no ping for ``ping_timeout x max_ping_timeouts``) to re-register."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable

import aiohttp

from ..aio import spawn
from ..tls_client import client_session, refusal, scheme
from ..tls_context import TlsContexts
from ..zk import ZkLeadership, ZkUrl

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 5.0
REQUEST_TIMEOUT = 10.0


def leader_endpoint(info: dict) -> str:
    """host:port of a MasterInfo (its address, else hostname and port)."""
    address = info.get("address") or {}
    host = address.get("ip") or info.get("hostname") or address.get("hostname")
    return f"{host}:{address.get('port') or info.get('port')}"


class MasterLink:
    """Registration state of this agent with the leading master."""

    def __init__(
        self,
        master_flag: str,
        zk_session_timeout: float,
        backoff: float,
        registration_body: Callable[[], dict],
        on_registered: Callable[[dict], None],
        *,
        tls: TlsContexts | None = None,
    ) -> None:
        self.tls = tls
        self.master_flag = master_flag.strip()
        self.zk_session_timeout = zk_session_timeout
        self.backoff = max(0.05, backoff)
        self.registration_body = registration_body
        self.on_registered = on_registered
        self.endpoint: str | None = None
        self.registered = False
        self.master_id: str | None = None
        self.master_hostname: str | None = None
        self.silence_limit = 75.0
        self.last_ping = time.monotonic()
        self.session: aiohttp.ClientSession | None = None
        self.zk: ZkLeadership | None = None
        self._registering: asyncio.Task | None = None
        self._watchdog: asyncio.Task | None = None

    async def start(self) -> None:
        """Open the HTTP session, find the master, register."""
        self.session = client_session(self.tls)
        self._watchdog = spawn(self._watch(), "master watchdog")
        if self.master_flag.startswith("zk://"):
            self.zk = ZkLeadership(
                ZkUrl.parse(self.master_flag), self.zk_session_timeout, self._leader_changed
            )
            spawn(self.zk.start(), "zookeeper detector")
        else:
            self.endpoint = self.master_flag.removeprefix("http://").rstrip("/")
            self.reregister()

    async def stop(self, agent_id: str | None = None) -> None:
        """Say goodbye to the master (when registered), stop detecting, close connections."""
        if self.registered and agent_id:
            await self.post("disconnect", {"agent_id": agent_id}, timeout=2.0)
        for task in (self._registering, self._watchdog):
            if task is not None:
                task.cancel()
        if self.zk is not None:
            await self.zk.stop()
        if self.session is not None:
            await self.session.close()

    def _leader_changed(self, info: dict | None, is_self: bool) -> None:
        if info is None:
            log.info("Lost leading master; waiting for a new one")
            self.endpoint = None
            self.registered = False
            return
        endpoint = leader_endpoint(info)
        if endpoint != self.endpoint or not self.registered:
            log.info("New master detected at master@%s", endpoint)
            self.endpoint = endpoint
            self.reregister()

    def reregister(self) -> None:
        """(Re-)register with the current leader, retrying with backoff."""
        self.registered = False
        if self._registering is None or self._registering.done():
            self._registering = spawn(self._register_loop(), "registration")

    async def _register_loop(self) -> None:
        delay = self.backoff
        while not self.registered:
            endpoint = self.endpoint
            if endpoint is not None:
                status, answer = await self.post(
                    "register", self.registration_body(), endpoint=endpoint
                )
                if status == 200 and isinstance(answer, dict) and endpoint == self.endpoint:
                    self.registered = True
                    self.master_id = answer.get("master_id")
                    self.master_hostname = endpoint.rsplit(":", 1)[0]
                    limit = float(answer.get("ping_timeout_seconds", 15.0)) * float(
                        answer.get("max_ping_timeouts", 5)
                    )
                    self.silence_limit = limit
                    self.last_ping = time.monotonic()
                    self.on_registered(answer)
                    return
                log.info("Registration with master@%s failed (%s); retrying", endpoint, status)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    def pinged(self) -> None:
        """The master pinged us."""
        self.last_ping = time.monotonic()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            if self.registered and time.monotonic() - self.last_ping > self.silence_limit:
                log.warning(
                    "No ping from master@%s for %.0fs; re-registering",
                    self.endpoint,
                    self.silence_limit,
                )
                self.reregister()

    async def post(
        self, path: str, body: dict, endpoint: str | None = None, timeout: float = REQUEST_TIMEOUT
    ) -> tuple[int, object]:
        """POST to the master's /sim/<path>; (status, JSON answer), status 0 when unreachable."""
        endpoint = endpoint or self.endpoint
        if endpoint is None or self.session is None:
            return 0, None
        url = f"{scheme(self.tls)}://{endpoint}/sim/{path}"
        refused = refusal(self.tls, endpoint.rsplit(":", 1)[0])
        if refused is not None:
            log.warning("Cannot connect to master@%s: %s", endpoint, refused)
            return 0, None
        try:
            async with self.session.post(
                url,
                data=json.dumps(body),
                allow_redirects=False,
                headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                text = await response.text()
                try:
                    answer = json.loads(text) if text else None
                except ValueError:
                    answer = text
                return response.status, answer
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.info("master@%s unreachable: %r", endpoint, exc)
            return 0, None
