"""Serving with SSL on: an aiohttp site with its own accept loop, so that each connection can
be classified before OpenSSL sees it, as libprocess does.

- Without LIBPROCESS_SSL_SUPPORT_DOWNGRADE every connection must complete a TLS handshake.
- With it, the first bytes are peeked (``recv(MSG_PEEK)``, nothing consumed) and classified
  with libprocess's rules (``LibeventSSLSocketImpl::peek_callback``): an SSLv2 client hello
  (first bit set, third byte 1) or an SSLv3/TLS record (0x16, major version 3, sixth byte 1)
  is TLS; anything else (an HTTP request line) is served in plain text on the same port.
- With LIBPROCESS_SSL_REQUIRE_CLIENT_CERT and the 'legacy' scheme the client certificate's
  name is checked right after the handshake, before any request is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable

from aiohttp import web

from .ssl_flags import SslSettings
from .tls_context import TlsContexts
from .tls_verify import legacy_check

log = logging.getLogger(__name__)

PEEK_BYTES = 6
SSL2_MT_CLIENT_HELLO = 1
SSL3_RT_HANDSHAKE = 0x16
SSL3_VERSION_MAJOR = 3
SSL3_MT_CLIENT_HELLO = 1
# Bounds: libprocess waits without limit; a silent connection here is closed after this.
FIRST_BYTES_TIMEOUT = 60.0
HANDSHAKE_TIMEOUT = 30.0


def looks_like_tls(data: bytes) -> bool:
    """libprocess's rules 1-4 for a downgrade-enabled accepting socket."""
    if len(data) < 2:
        return False
    if data[0] & 0x80 and len(data) > 2 and data[2] == SSL2_MT_CLIENT_HELLO:
        return True
    return (
        len(data) >= PEEK_BYTES
        and data[0] == SSL3_RT_HANDSHAKE
        and data[1] == SSL3_VERSION_MAJOR
        and data[5] == SSL3_MT_CLIENT_HELLO
    )


async def peek_first_bytes(sock: socket.socket, timeout: float = FIRST_BYTES_TIMEOUT) -> bytes:
    """Wait until ``sock`` is readable, then return up to PEEK_BYTES without consuming them."""
    loop = asyncio.get_running_loop()
    readable = loop.create_future()
    loop.add_reader(sock.fileno(), lambda: readable.done() or readable.set_result(None))
    try:
        await asyncio.wait_for(readable, timeout)
    finally:
        loop.remove_reader(sock.fileno())
    return sock.recv(PEEK_BYTES, socket.MSG_PEEK)


class TlsSite(web.BaseSite):
    """Listens on ``host:port``; TLS (or, with downgrade, TLS and plain) into ``runner``."""

    def __init__(
        self, runner: web.BaseRunner, host: str, port: int, tls: TlsContexts, backlog: int = 1024
    ) -> None:
        super().__init__(runner, backlog=backlog)
        self._host, self._port, self._tls = host, port, tls
        self._listener: socket.socket | None = None
        self._accepting: asyncio.Task | None = None
        self._pending: set[asyncio.Task] = set()

    @property
    def name(self) -> str:
        """``https://host:port``."""
        return f"https://{self._host}:{self._port}"

    async def start(self) -> None:
        """Bind (OSError propagates) and start accepting."""
        await super().start()
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        self._listener = socket.create_server(
            (self._host, self._port), family=family, backlog=self._backlog
        )
        self._listener.setblocking(False)
        self._accepting = asyncio.ensure_future(self._accept_loop())

    async def stop(self) -> None:
        """Stop accepting and drop connections still being classified or handshaking."""
        tasks = [t for t in (self._accepting, *self._pending) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._listener is not None:
            self._listener.close()
        await super().stop()

    async def _accept_loop(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._listener is not None
        while True:
            try:
                conn, _address = await loop.sock_accept(self._listener)
            except OSError as exc:  # EMFILE and friends: keep serving the others
                log.warning("Failed to accept socket: %s", exc)
                await asyncio.sleep(0.1)
                continue
            conn.setblocking(False)
            task = asyncio.ensure_future(self._serve(conn))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _serve(self, conn: socket.socket) -> None:
        settings = self._tls.settings
        use_tls = True
        try:
            if settings.support_downgrade:
                first = await peek_first_bytes(conn)
                use_tls = looks_like_tls(first)
            await asyncio.get_running_loop().connect_accepted_socket(
                self._protocol_factory(),
                conn,
                ssl=self._tls.server if use_tls else None,
                ssl_handshake_timeout=HANDSHAKE_TIMEOUT if use_tls else None,
            )
        except (OSError, TimeoutError) as exc:
            log.info("Failed to accept socket: %s", str(exc) or repr(exc))
            with contextlib.suppress(OSError):
                conn.close()
        except asyncio.CancelledError:  # shutting down mid-handshake
            with contextlib.suppress(OSError):
                conn.close()
            raise

    def _protocol_factory(self) -> Callable[[], asyncio.BaseProtocol]:
        server = self._runner.server
        assert server is not None
        settings = self._tls.settings
        if settings.require_client_cert and settings.hostname_validation_scheme == "legacy":
            return lambda: LegacyGate(server, settings)
        return server


class LegacyGate(asyncio.Protocol):
    """Checks the client certificate's name when the connection is made, then hands the
    transport to aiohttp's handler (before any data is read) or closes it."""

    def __init__(self, server: Callable[[], asyncio.BaseProtocol], settings: SslSettings) -> None:
        self.server = server
        self.settings = settings

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Verify, then pass on or abort."""
        if transport.get_extra_info("ssl_object") is not None:
            peer = transport.get_extra_info("peername") or (None,)
            error = legacy_check(self.settings, transport.get_extra_info("peercert"), peer[0], None)
            if error is not None:
                log.warning("Failed to accept socket: %s", error)
                transport.abort()
                return
        handler = self.server()
        transport.set_protocol(handler)
        handler.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        """Not reached: the handler receives all data."""
