# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP transport: one ``requests`` session with auth, TLS verification and timeouts.

Redirects are never followed here: a 307 from a master means "not the leader" and is handled
by :mod:`.leader`, which decides where to go next. TLS verification is always on; a private
CA is given with ``ca_path``. Credentials live only in the session's auth object and are
scrubbed from every error message this module builds.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .errors import ConnectionFailed, MesosTimeout, TLSError
from .requests_import import requests

JSON = "application/json"
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0


def strip_userinfo(url: str) -> str:
    """Return ``url`` without any ``user:password@`` part (for messages and logs)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class Credentials:
    """HTTP Basic credentials. ``repr`` never shows the secret."""

    principal: str
    secret: str

    def __repr__(self) -> str:
        return f"Credentials(principal={self.principal!r}, secret=<hidden>)"


class Transport:
    """POSTs JSON to Mesos endpoints over one pooled ``requests.Session``.

    Args:
        credentials: HTTP Basic principal and secret, or None.
        ca_path: CA bundle (file or directory) to verify TLS with; the system store if None.
        connect_timeout: seconds allowed to establish a TCP/TLS connection.
        read_timeout: seconds allowed between bytes of an answer.
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        ca_path: str | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
    ) -> None:
        self.credentials = credentials
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._session = requests.Session()
        self._session.verify = ca_path if ca_path else True
        self._session.trust_env = False  # no proxy from the environment for cluster traffic
        if credentials is not None:
            self._session.auth = (credentials.principal, credentials.secret)

    def post(
        self,
        url: str,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
        *,
        stream: bool = False,
        read_timeout: float | None = None,
    ) -> requests.Response:
        """POST ``body`` as JSON to ``url`` and return the response, whatever its status.

        Raises :class:`ConnectionFailed` when no answer could be had, :class:`MesosTimeout`
        when the answer did not come in time.
        """
        all_headers = {"Content-Type": JSON, "Accept": JSON}
        all_headers.update(headers or {})
        timeout = (self.connect_timeout, read_timeout or self.read_timeout)
        safe_url = strip_userinfo(url)
        try:
            return self._session.post(
                url,
                data=json.dumps(body).encode(),
                headers=all_headers,
                timeout=timeout,
                stream=stream,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise TLSError(
                f"TLS verification failed for {safe_url} (give the CA bundle as ca_path): "
                f"{self._scrub(exc)}"
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise ConnectionFailed(
                f"timed out connecting to {safe_url} after {self.connect_timeout:g}s"
            ) from None
        except requests.exceptions.Timeout:
            raise MesosTimeout(f"no answer from {safe_url} within {timeout[1]:g}s") from None
        except requests.exceptions.ConnectionError as exc:
            raise ConnectionFailed(f"cannot reach {safe_url}: {self._scrub(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise ConnectionFailed(f"request to {safe_url} failed: {self._scrub(exc)}") from None

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def _scrub(self, exc: BaseException) -> str:
        """The root cause of ``exc`` in a few words (``[Errno 111] Connection refused``),
        never echoing a secret."""
        reason: object = exc.args[0] if exc.args else exc
        reason = getattr(reason, "reason", None) or reason  # urllib3's MaxRetryError
        text = str(reason)
        errno_text = _ERRNO.search(text)
        if errno_text:
            text = errno_text.group(0)
        elif isinstance(reason, BaseException):
            text = f"{type(reason).__name__}: {text}" if text else type(reason).__name__
        return self.redact(text[:300])

    def redact(self, text: str) -> str:
        """Replace the secret (and URL user info) in ``text``."""
        if self.credentials is not None and self.credentials.secret:
            text = text.replace(self.credentials.secret, "<hidden>")
        return text


def _stream_socket(response: requests.Response) -> socket.socket | None:
    connection = getattr(response.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def set_stream_read_timeout(response: requests.Response, seconds: float) -> bool:
    """Change the idle timeout of an open streaming response; True if it could be set.

    The read timeout given to ``requests`` applies to every socket read, which makes it the
    natural heartbeat watchdog; but the heartbeat interval is only known once SUBSCRIBED
    has arrived on that very connection, so the socket's timeout is adjusted in place.
    """
    sock = _stream_socket(response)
    if sock is None:
        return False
    try:
        sock.settimeout(seconds)
    except OSError:
        return False  # closed under us by abort_stream(): the reader is about to notice
    return True


def abort_stream(response: requests.Response) -> bool:
    """Wake a thread blocked reading ``response`` by shutting its socket down.

    Only the socket is touched: the reading thread sees end-of-stream and closes the
    response itself (closing it from here would pull urllib3's file object from under it).
    """
    sock = _stream_socket(response)
    if sock is None:
        return False
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return False  # already closed: nothing is blocked on it
    return True
