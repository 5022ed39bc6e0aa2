# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding the leading master: from a list of master URLs or from ZooKeeper.

A master that is not the leader answers 307 with a protocol-relative ``Location``. We never
let ``requests`` follow it: the locator is told the leader moved and decides where to go (in
ZooKeeper mode the znodes are the truth and are read again). A 503 (no leader elected yet,
or leader still recovering) is retried with exponential backoff; so is a 404 on the API path,
after moving on to the next master: a real Mesos master answers 404 until its routes are
installed (just after it starts), and so does a web server that is no master: that one is
reported, naming the 404, when the deadline passes.
Every loop here is bounded by a deadline.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit

from .errors import ConnectionFailed, LeaderNotFound, MesosError, RedirectError, TLSError
from .requests_import import requests

ZNODE_PREFIX = "json.info_"
BACKOFF_START = 0.1
BACKOFF_MAX = 2.0
MAX_ATTEMPTS = 1000  # hard stop even if a clock misbehaves
DEFAULT_ZK_TIMEOUT = 10.0
# A DNS name or IPv4 address, or an IPv6 address (urlsplit strips its brackets).
_HOST = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%]*")


# --- pure helpers (unit tested without I/O) ---------------------------------------------


def normalize_master_url(url: str, default_scheme: str = "http") -> str:
    """``host:port`` or ``http://host:port/`` -> ``http://host:port`` (no path, no userinfo)."""
    text = url.strip()
    if "://" not in text:
        text = f"{default_scheme}://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.hostname or ""):
        raise ValueError(f"not a master URL: {_safe(text)!r} (expected http(s)://host:port)")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"bad port in master URL {_safe(text)!r}") from None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}:{port or 5050}"


def _safe(url: str) -> str:
    parts = urlsplit(url) if "://" in url else None
    if parts is not None and parts.password:
        return url.replace(parts.password, "<hidden>")
    return url


@dataclass(frozen=True)
class ZooKeeperTarget:
    """A parsed ``zk://[user:password@]host:port[,host:port...]/path`` URL."""

    hosts: str
    path: str
    auth: str | None = None

    def __repr__(self) -> str:
        auth = ", auth=<hidden>" if self.auth else ""
        return f"ZooKeeperTarget(hosts={self.hosts!r}, path={self.path!r}{auth})"


def parse_zk_url(url: str) -> ZooKeeperTarget:
    """Parse a Mesos ``--zk`` style URL."""
    if not url.startswith("zk://"):
        raise ValueError("a ZooKeeper URL starts with zk://")
    rest = url[len("zk://") :]
    auth = None
    if "@" in rest.split("/", 1)[0]:
        auth_part, rest = rest.split("@", 1)
        auth = unquote(auth_part)
    hosts, sep, path = rest.partition("/")
    if not hosts or not sep or not path.strip("/"):
        raise ValueError("ZooKeeper URL needs hosts and a path, e.g. zk://127.0.0.1:2181/mesos")
    return ZooKeeperTarget(hosts=hosts, path="/" + path.strip("/"), auth=auth)


def znode_sequence(name: str) -> int | None:
    """Sequence number of a ``json.info_NNNNNNNNNN`` znode name, None for other names."""
    if not name.startswith(ZNODE_PREFIX):
        return None
    digits = name[len(ZNODE_PREFIX) :]
    return int(digits) if digits.isdigit() else None


def pick_leader_znode(children: Sequence[str]) -> str | None:
    """The leader's znode: the ``json.info_`` child with the lowest sequence number."""
    candidates = [(seq, name) for name in children if (seq := znode_sequence(name)) is not None]
    return min(candidates)[1] if candidates else None


def master_url_from_info(data: bytes | str, scheme: str = "http") -> str:
    """Base URL of a master from the MasterInfo JSON stored in its znode."""
    try:
        info = json.loads(data)
    except ValueError as exc:
        raise LeaderNotFound(f"leader znode does not hold MasterInfo JSON: {exc}") from None
    if not isinstance(info, dict):
        raise LeaderNotFound("leader znode does not hold a MasterInfo JSON object")
    address = info.get("address") if isinstance(info.get("address"), dict) else {}
    host = address.get("ip") or address.get("hostname") or info.get("hostname")
    port = address.get("port") or info.get("port")
    if not isinstance(host, str) or not host or not isinstance(port, int):
        raise LeaderNotFound("leader MasterInfo has no address (address.ip/port)")
    return normalize_master_url(f"{host}:{port}", default_scheme=scheme)


def url_from_location(location: str | None, scheme: str) -> str | None:
    """Leader base URL from a 307 ``Location`` (``//host:port/api/v1/...``), None if unusable."""
    if not location:
        return None
    text = location if "://" in location else f"{scheme}:{location}"
    if not text.startswith(("http://", "https://")):
        text = f"{scheme}://{location.lstrip('/')}"
    try:
        return normalize_master_url(text, default_scheme=scheme)
    except ValueError:
        return None


# --- locators --------------------------------------------------------------------------


class LeaderLocator(Protocol):
    """Where to send the next request, and what to do when that proved wrong."""

    def current(self, deadline: float) -> str:
        """Base URL (``http://host:port``) of the master believed to lead."""

    def moved(self, failed_url: str, hint: str | None) -> None:
        """``failed_url`` is not (or no longer) usable; ``hint`` is a 307's leader, if any."""

    def close(self) -> None:
        """Release resources (a ZooKeeper session)."""


class StaticLeaderLocator:
    """Masters given as URLs. Starts with the first; a 307 hint inside the list is adopted,
    a hint outside it is tried once; a failure moves on to the next master in the list.

    ``scheme`` is for masters given as ``host:port``; a URL keeps its own scheme, and a 307's
    protocol-relative ``Location`` gets the scheme of the master that sent it.
    """

    def __init__(self, urls: Sequence[str], scheme: str = "http") -> None:
        if not urls:
            raise ValueError("at least one master URL is needed")
        self.urls = [normalize_master_url(url, default_scheme=scheme) for url in urls]
        self._index = 0
        self._override: str | None = None
        self._lock = threading.Lock()

    def current(self, deadline: float) -> str:
        with self._lock:
            return self._override or self.urls[self._index]

    def moved(self, failed_url: str, hint: str | None) -> None:
        leader = url_from_location(hint, urlsplit(failed_url).scheme or "http")
        with self._lock:
            if leader is not None and leader != failed_url:
                if leader in self.urls:
                    self._index = self.urls.index(leader)
                    self._override = None
                else:
                    self._override = leader
                return
            self._override = None
            if failed_url in self.urls:
                self._index = (self.urls.index(failed_url) + 1) % len(self.urls)
            else:
                self._index = (self._index + 1) % len(self.urls)

    def close(self) -> None:
        """Nothing to release."""


class ZooKeeperLeaderLocator:
    """Leader read from ``<path>/json.info_*`` znodes (lowest sequence leads), cached until
    told the leader moved. Needs ``kazoo``, imported only here."""

    def __init__(
        self, zk_url: str, scheme: str = "http", timeout: float = DEFAULT_ZK_TIMEOUT
    ) -> None:
        self.target = parse_zk_url(zk_url)
        self.scheme = scheme
        self.timeout = timeout
        self._client = None
        self._cached: str | None = None
        self._hint: str | None = None
        self._lock = threading.Lock()

    def current(self, deadline: float) -> str:
        with self._lock:
            if self._hint is not None:
                return self._hint
            if self._cached is None:
                self._cached = self._read_leader(deadline)
            return self._cached

    def moved(self, failed_url: str, hint: str | None) -> None:
        with self._lock:
            self._hint = None
            self._cached = None
            hinted = url_from_location(hint, self.scheme)
            if hinted is None or hinted == failed_url:
                return
            # ZooKeeper is the truth; the hint is used only while ZooKeeper still names the
            # master that just redirected us (its ephemeral znode may not have expired yet).
            try:
                from_zk = self._read_leader(time.monotonic() + self.timeout)
            except LeaderNotFound:
                return
            self._cached = from_zk
            if from_zk == failed_url:
                self._hint = hinted

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.stop()
            client.close()

    def _connect(self, deadline: float):
        if self._client is not None:
            return self._client
        kazoo = _import_kazoo()
        KazooClient, KazooTimeoutError = kazoo["KazooClient"], kazoo["KazooTimeoutError"]
        auth = [("digest", self.target.auth)] if self.target.auth else None
        client = KazooClient(hosts=self.target.hosts, timeout=self.timeout, auth_data=auth)
        wait = max(0.1, min(self.timeout, deadline - time.monotonic()))
        try:
            client.start(timeout=wait)
        except KazooTimeoutError:
            client.close()
            raise LeaderNotFound(
                f"cannot connect to ZooKeeper {self.target.hosts} within {wait:.1f}s"
            ) from None
        self._client = client
        return client

    def _read_leader(self, deadline: float) -> str:
        kazoo = _import_kazoo()
        KazooException, NoNodeError = kazoo["KazooException"], kazoo["NoNodeError"]
        client = self._connect(deadline)
        try:
            name = pick_leader_znode(client.get_children(self.target.path))
            if name is None:
                raise LeaderNotFound(f"no master has registered under {self.target.path}")
            data, _stat = client.get(f"{self.target.path}/{name}")
        except NoNodeError:
            raise LeaderNotFound(f"no leader znode under {self.target.path} yet") from None
        except KazooException as exc:
            raise LeaderNotFound(f"ZooKeeper read failed: {type(exc).__name__}") from None
        return master_url_from_info(data, self.scheme)


def _import_kazoo() -> dict[str, type]:
    """kazoo's names, imported only when a zk:// master is used."""
    try:
        from kazoo.client import KazooClient
        from kazoo.exceptions import KazooException, NoNodeError
        from kazoo.handlers.threading import KazooTimeoutError
    except ImportError:
        raise MesosError("zk:// masters need the 'kazoo' package (pip install kazoo)") from None
    return {
        "KazooClient": KazooClient,
        "KazooException": KazooException,
        "NoNodeError": NoNodeError,
        "KazooTimeoutError": KazooTimeoutError,
    }


def make_locator(
    masters: str | Sequence[str], scheme: str = "http", zk_timeout: float = DEFAULT_ZK_TIMEOUT
) -> LeaderLocator:
    """A locator for ``masters``: ``"zk://..."``, ``"http://a:5050,http://b:5050"`` or a list.

    ``scheme`` (``http`` or ``https``) is used for masters read from ZooKeeper (MasterInfo
    has no scheme) and for masters given as ``host:port``.
    """
    if scheme not in ("http", "https"):
        raise ValueError(f"scheme must be http or https, not {scheme!r}")
    if isinstance(masters, str):
        if masters.startswith("zk://"):
            return ZooKeeperLeaderLocator(masters, scheme=scheme, timeout=zk_timeout)
        masters = [part for part in masters.split(",") if part.strip()]
    return StaticLeaderLocator(list(masters), scheme=scheme)


# --- the retry loop ---------------------------------------------------------------------


def backoff_delays(start: float = BACKOFF_START, cap: float = BACKOFF_MAX):
    """Exponential delays ``start, 2*start, ...`` capped at ``cap``."""
    delay = start
    while True:
        yield delay
        delay = min(cap, delay * 2)


def send_to_leader(
    locator: LeaderLocator,
    send: Callable[[str], requests.Response],
    deadline: float,
    what: str,
    stop: threading.Event | None = None,
) -> tuple[str, requests.Response]:
    """Call ``send(base_url)`` on the leader until it answers something but 307/503/404.

    Returns the base URL that answered and its response. A master that cannot be reached
    makes the locator move on. Raises :class:`RedirectError` when redirects never settled,
    :class:`LeaderNotFound` when no master answered usefully (both name the last problem
    seen) once ``deadline`` (a ``time.monotonic()`` value) passes or ``stop`` is set.
    :class:`MesosTimeout` (the request went out, no answer came) is not retried: the
    master may have acted on it.
    """
    stop = stop or threading.Event()
    delays = backoff_delays()
    last_problem = "no attempt made"
    redirected = False
    for _attempt in range(MAX_ATTEMPTS):
        if time.monotonic() >= deadline or stop.is_set():
            break
        url: str | None = None
        try:
            url = locator.current(deadline)
            response = send(url)
        except TLSError:
            raise
        except ConnectionFailed as exc:
            last_problem = str(exc)
            if url is not None:
                locator.moved(url, None)
            _sleep_until(next(delays), deadline, stop)
            continue
        except LeaderNotFound as exc:
            last_problem = str(exc)
            _sleep_until(next(delays), deadline, stop)
            continue
        if response.status_code == 307:
            location = response.headers.get("Location")
            response.close()
            redirected = True
            last_problem = f"{url} is not the leader (307 to {location or 'nowhere'})"
            locator.moved(url, location)
            if url_from_location(location, urlsplit(url).scheme) in (None, url):
                _sleep_until(next(delays), deadline, stop)
            continue
        if response.status_code == 503:
            response.close()
            last_problem = f"{url} answered 503 (no leader elected or leader recovering)"
            _sleep_until(next(delays), deadline, stop)
            continue
        if response.status_code == 404:
            response.close()
            last_problem = f"{url} answered 404 (no master API there: still starting, or no master)"
            locator.moved(url, None)
            _sleep_until(next(delays), deadline, stop)
            continue
        return url, response
    error = RedirectError if redirected else LeaderNotFound
    raise error(f"{what}: no leading master found in time; last problem: {last_problem}")


def _sleep_until(delay: float, deadline: float, stop: threading.Event) -> None:
    stop.wait(max(0.0, min(delay, deadline - time.monotonic())))
