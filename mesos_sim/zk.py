"""ZooKeeper leader election and detection with Mesos's znode layout.

Every master registers an ephemeral sequential znode ``<path>/json.info_NNNNNNNNNN`` holding
its MasterInfo JSON; the lowest sequence number leads. Agents (and clients) only watch.
kazoo runs its own threads; results are handed to the asyncio loop with
``call_soon_threadsafe`` and blocking kazoo calls run in the default executor.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional

from kazoo.client import KazooClient, KazooState
from kazoo.exceptions import KazooException, NoNodeError
from kazoo.handlers.threading import KazooTimeoutError

from .aio import spawn
from .jsonparse import parse_json_body

log = logging.getLogger(__name__)

PREFIX = "json.info_"
CONNECT_RETRY_SECONDS = 1.0
CONNECT_ATTEMPT_SECONDS = 2.0


class ZkUrlError(ValueError):
    """A --zk / --master value that is not a zk:// URL Mesos accepts."""


@dataclass(frozen=True)
class ZkUrl:
    """``zk://[user:password@]host:port[,host:port]/path``."""

    hosts: str
    path: str
    auth: str | None = None

    @classmethod
    def parse(cls, text: str) -> ZkUrl:
        """Parse a zk:// URL (whitespace around it is ignored, like a file:// value's newline)."""
        text = text.strip()
        if not text.startswith("zk://"):
            raise ZkUrlError(f"Expecting 'zk://' at the beginning of the URL: {text}")
        rest = text[len("zk://") :]
        auth = None
        if "@" in rest.split("/", 1)[0]:
            auth, rest = rest.split("@", 1)
        hosts, sep, path = rest.partition("/")
        if not hosts:
            raise ZkUrlError(f"Expecting host:port in the ZooKeeper URL: {text}")
        path = "/" + path.rstrip("/") if sep else "/"
        return cls(hosts=hosts, path=path, auth=auth)


def _sequence(name: str) -> int:
    try:
        return int(name[len(PREFIX) :])
    except ValueError:
        return -1


LeaderCallback = Callable[[Optional[dict], bool], None]


class ZkLeadership:
    """Watches ``<path>/json.info_*``; with ``master_info`` it also contends for leadership.

    ``on_leader(info, is_self)`` runs on the loop whenever the leading znode changes (``info``
    None: no leader). ``on_session_lost()`` runs (once) when the ZooKeeper session expires, or,
    as Mesos's group does it, when we have been disconnected for longer than the session
    timeout: a server that lost its quorum never tells us our session expired, so waiting for
    kazoo's LOST would let a partitioned leader lead forever.
    """

    def __init__(
        self,
        url: ZkUrl,
        session_timeout: float,
        on_leader: LeaderCallback,
        on_session_lost: Callable[[], None] | None = None,
        master_info: dict | None = None,
    ) -> None:
        self.url = url
        self.session_timeout = session_timeout
        self.on_leader = on_leader
        self.on_session_lost = on_session_lost
        self.master_info = master_info
        self.client: KazooClient | None = None
        self.own_node: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._leader_node: str | None = None
        self._stopped = False
        self._expiry: asyncio.TimerHandle | None = None
        self._lost_reported = False
        self._state_handlers: dict[str, Callable[[], None]] = {
            KazooState.SUSPENDED: self._start_expiry_timer,
            KazooState.CONNECTED: self._reconnected,
            KazooState.LOST: self._session_expired,
        }

    async def start(self) -> None:
        """Connect (retrying until ZooKeeper answers), register, start watching."""
        self._loop = asyncio.get_running_loop()
        while not self._stopped:
            try:
                await self._loop.run_in_executor(None, self._connect_and_register)
            except (KazooException, KazooTimeoutError, OSError) as exc:
                log.warning("ZooKeeper %s not reachable yet: %s", self.url.hosts, exc)
                await asyncio.sleep(CONNECT_RETRY_SECONDS)
                continue
            if self._stopped:
                await self.stop()
            return

    def _connect_and_register(self) -> None:
        client = KazooClient(hosts=self.url.hosts, timeout=self.session_timeout)
        if self.url.auth:
            client.add_auth("digest", self.url.auth)
        try:
            client.start(timeout=CONNECT_ATTEMPT_SECONDS)
        except KazooTimeoutError:
            client.stop()
            client.close()
            raise
        client.add_listener(self._state_listener)
        client.ensure_path(self.url.path)
        if self.master_info is not None:
            data = json.dumps(self.master_info).encode()
            created = client.create(
                f"{self.url.path.rstrip('/')}/{PREFIX}", data, ephemeral=True, sequence=True
            )
            self.own_node = created.rsplit("/", 1)[1]
            log.info("Registered %s in ZooKeeper as %s", self.url.path, created)
        self.client = client
        client.ChildrenWatch(self.url.path, self._children_changed)

    def _state_listener(self, state: str) -> None:
        handler = self._state_handlers.get(state)
        if handler is not None and not self._stopped and self._loop is not None:
            self._loop.call_soon_threadsafe(handler)

    def _start_expiry_timer(self) -> None:
        if self._expiry is None and self._loop is not None:
            log.warning("Disconnected from ZooKeeper %s", self.url.hosts)
            self._expiry = self._loop.call_later(self.session_timeout, self._session_timed_out)

    def _reconnected(self) -> None:
        if self._expiry is not None:
            log.info("Reconnected to ZooKeeper %s", self.url.hosts)
        self._cancel_expiry_timer()

    def _cancel_expiry_timer(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

    def _session_timed_out(self) -> None:
        self._expiry = None
        log.warning(
            "Timed out waiting to reconnect to ZooKeeper (session timeout %gs)",
            self.session_timeout,
        )
        self._session_expired()

    def _session_expired(self) -> None:
        self._cancel_expiry_timer()
        if self._stopped or self._lost_reported:
            return
        self._lost_reported = True
        log.warning("ZooKeeper session expired")
        if self.on_session_lost is not None:
            self.on_session_lost()

    def _children_changed(self, children: list[str]) -> bool:
        if self._stopped:
            return False
        contenders = sorted((c for c in children if c.startswith(PREFIX)), key=_sequence)
        leader = contenders[0] if contenders else None
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._schedule_leader_update, leader)
        return True

    def _schedule_leader_update(self, leader: str | None) -> None:
        spawn(self._update_leader(leader), "leader update")

    async def _update_leader(self, leader: str | None) -> None:
        if leader == self._leader_node and leader is not None:
            return
        info = None
        if leader is not None:
            info = await asyncio.get_running_loop().run_in_executor(None, self._read, leader)
            if info is None:
                return  # vanished while we looked; the watch fires again
        self._leader_node = leader
        self.on_leader(info, leader is not None and leader == self.own_node)

    def _read(self, node: str) -> dict | None:
        client = self.client
        if client is None:
            return None
        try:
            data, _stat = client.get(f"{self.url.path.rstrip('/')}/{node}")
        except (NoNodeError, KazooException):
            return None
        try:
            info = parse_json_body(data)
        except ValueError:
            log.warning("Leader znode %s does not hold MasterInfo JSON", node)
            return None
        return info if isinstance(info, dict) else None

    async def stop(self) -> None:
        """Close the session (removes our ephemeral znode at once)."""
        client = self._detach()
        if client is None or self._loop is None:
            return
        await self._loop.run_in_executor(None, _close_client, client)

    def abandon(self) -> None:
        """Stop watching but leave the session open, for a process about to exit.

        Real Mesos (1.12) exits on SIGTERM without closing its ZooKeeper session: its znode
        stays until ZooKeeper expires the session (``--zk_session_timeout``), and only then
        does another master lead. Here the session's TCP connection goes with the process
        (kazoo's threads are daemons), and ZooKeeper expires it the same way.
        """
        self._detach()

    def _detach(self) -> KazooClient | None:
        self._stopped = True
        self.on_leader = _ignore_leader
        self._cancel_expiry_timer()
        client, self.client = self.client, None
        return client


def _close_client(client: KazooClient) -> None:
    client.stop()
    client.close()


def _ignore_leader(info: dict | None, is_self: bool) -> None:
    """Leader callback after stop(): nothing to do."""
