"""Outgoing connections of the internal master-agent link: plain HTTP when SSL is off, else
HTTPS with the process's client context and Mesos's hostname validation scheme."""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from .tls_context import TlsContexts
from .tls_verify import is_ip_literal, legacy_check, openssl_scheme_refusal

log = logging.getLogger(__name__)


class PeerVerificationFailed(aiohttp.ClientConnectionError):
    """The peer's certificate did not pass hostname validation; the connection was closed."""


class LegacyVerifyingConnector(aiohttp.TCPConnector):
    """Runs the 'legacy' name check right after each handshake, before a request is sent."""

    def __init__(self, tls: TlsContexts, **kwargs: object) -> None:
        super().__init__(ssl=tls.client, **kwargs)  # type: ignore[arg-type]
        self._tls = tls

    async def _create_connection(self, req, traces, timeout):  # type: ignore[no-untyped-def]
        protocol = await super()._create_connection(req, traces, timeout)
        transport = protocol.transport
        if transport is None or transport.get_extra_info("ssl_object") is None:
            return protocol
        peer = transport.get_extra_info("peername") or (None,)
        # libprocess knows a peer's hostname only when it connected by name, never an IP.
        hostname = None if is_ip_literal(req.host) else req.host
        loop = asyncio.get_running_loop()
        error = await loop.run_in_executor(
            None,
            legacy_check,
            self._tls.settings,
            transport.get_extra_info("peercert"),
            peer[0],
            hostname,
        )
        if error is not None:
            transport.abort()
            log.warning("Failed to verify %s: %s", req.url.host, error)
            raise PeerVerificationFailed(f"{req.url.host}: {error}")
        return protocol


def scheme(tls: TlsContexts | None) -> str:
    """``https`` when this process has SSL on, else ``http`` (libprocess: all or nothing)."""
    return "https" if tls is not None else "http"


def refusal(tls: TlsContexts | None, host: str) -> str | None:
    """Why a connection to ``host`` must not be attempted under these settings, or None."""
    return None if tls is None else openssl_scheme_refusal(tls.settings, host)


def client_session(
    tls: TlsContexts | None, limit: int = 100, **kwargs: object
) -> aiohttp.ClientSession:
    """An aiohttp session for the internal link under this process's SSL settings."""
    if tls is None:
        connector = aiohttp.TCPConnector(limit=limit)
    elif tls.settings.verify_server_cert and tls.settings.hostname_validation_scheme == "legacy":
        connector = LegacyVerifyingConnector(tls, limit=limit)
    else:
        connector = aiohttp.TCPConnector(limit=limit, ssl=tls.client)
    return aiohttp.ClientSession(connector=connector, **kwargs)  # type: ignore[arg-type]
