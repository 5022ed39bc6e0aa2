"""Process plumbing shared by master and agent: logging, address resolution, the aiohttp
server lifecycle and signal handling."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web

from .errors import StartupError
from .tls_context import TlsContexts
from .tls_site import TlsSite

__all__ = ["StartupError", "build_app", "resolve_address", "serve", "setup_logging"]

LEVELS = {"INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}
CLIENT_MAX_SIZE = 16 * 1024 * 1024


def setup_logging(level: str | None) -> None:
    """glog-like lines on stderr."""
    logging.basicConfig(
        stream=sys.stderr,
        level=LEVELS.get((level or "INFO").upper(), logging.INFO),
        format="%(levelname).1s%(asctime)s %(process)d %(name)s] %(message)s",
        datefmt="%m%d %H:%M:%S",
    )
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("kazoo").setLevel(logging.ERROR)  # mesos_sim.zk logs each retry


def resolve_address(ip: str | None, hostname: str | None, lookup: bool) -> tuple[str, str]:
    """(ip to advertise, hostname to advertise) the way Mesos picks them."""
    if not ip or ip == "0.0.0.0":
        try:
            ip = socket.gethostbyname(socket.gethostname())
        except OSError:
            ip = "127.0.0.1"
    if hostname:
        return ip, hostname
    if lookup:
        try:
            return ip, socket.gethostbyaddr(ip)[0]
        except OSError:
            logging.getLogger(__name__).warning("Reverse lookup of %s failed; using the IP", ip)
    return ip, ip


def build_app() -> web.Application:
    """An aiohttp application with the body size limit the simulator uses; unknown paths
    answer like libprocess (``404 Not Found.``, text/plain)."""
    return web.Application(client_max_size=CLIENT_MAX_SIZE, middlewares=[_libprocess_not_found])


@web.middleware
async def _libprocess_not_found(request: web.Request, handler: Callable) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return web.Response(status=404, text="404 Not Found.", content_type="text/plain")


def add_route(app: web.Application, method: str, path: str, handler: Callable) -> None:
    """Route ``path`` and ``path/``: libprocess serves an endpoint with a trailing slash too."""
    app.router.add_route(method, path, handler)
    app.router.add_route(method, path + "/", handler)


async def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    on_start: Callable[[], Awaitable[None]],
    on_stop: Callable[[], Awaitable[None]],
    stop_event: asyncio.Event,
    tls: TlsContexts | None = None,
) -> None:
    """Listen (HTTPS when ``tls`` is given), run ``on_start``, wait for SIGTERM/SIGINT or
    ``stop_event``, then clean up."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop_event.set)
    runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site: web.BaseSite
    if tls is None:
        site = web.TCPSite(
            runner, host=host or "0.0.0.0", port=port, backlog=1024, reuse_address=True
        )
    else:
        site = TlsSite(runner, host or "0.0.0.0", port, tls)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise StartupError(f"Failed to bind {host}:{port}: {exc.strerror}") from None
    try:
        await on_start()
        await stop_event.wait()
    finally:
        await on_stop()
        await runner.cleanup()
