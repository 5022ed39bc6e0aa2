"""Wiring of the master process: flags -> state, services, routes, leadership, shutdown."""

from __future__ import annotations

import asyncio
import functools
import logging
import time

from aiohttp import web

from ..aio import cancel_all, spawn
from ..auth import SCHEDULER_REALM, BasicAuthenticator, CredentialsError, parse_credentials
from ..flags import Flags
from ..http_util import json_response, text_response
from ..jsonparse import parse_json_body
from ..process import StartupError, add_route, build_app, resolve_address, serve
from ..tls_context import TlsContexts
from ..zk import ZkLeadership, ZkUrl, ZkUrlError
from . import render, web_ui
from .agent_client import AgentClient
from .agents import AgentService
from .allocator import Allocator
from .frameworks import FrameworkService
from .operator_http import OperatorEndpoints
from .scheduler_http import SchedulerEndpoint, redirect_or_unavailable
from .state import Address, MasterState
from .tasks import TaskService

log = logging.getLogger(__name__)


def _authenticator(flags: Flags) -> BasicAuthenticator | None:
    if not flags.authenticate_http_frameworks:
        return None
    names = flags.http_framework_authenticators
    if not names:
        raise StartupError(
            "Missing `--http_framework_authenticators` flag. This must be used in "
            "conjunction with `--authenticate_http_frameworks`"
        )
    if names != "basic":
        raise StartupError(
            f"mesos_sim supports only the 'basic' HTTP framework authenticator, not '{names}'"
        )
    if not flags.credentials:
        raise StartupError(
            "No credentials provided for the default 'basic' HTTP "
            f"authenticator for realm '{SCHEDULER_REALM}'"
        )
    path = str(flags.credentials)
    try:
        with open(path, encoding="utf-8") as handle:
            credentials = parse_credentials(handle.read())
    except OSError as exc:
        raise StartupError(f"Error reading credentials file '{path}': {exc.strerror}") from None
    except CredentialsError as exc:
        raise StartupError(f"Failed to parse credentials: {exc}") from None
    return BasicAuthenticator(SCHEDULER_REALM, credentials)


def check_master_flags(flags: Flags) -> None:
    """The startup checks of mesos-master's main()."""
    if flags.registry == "replicated_log" and not flags.work_dir:
        raise StartupError("--work_dir needed for replicated log based registry")
    if flags.zk and flags.registry == "replicated_log" and flags.quorum is None:
        raise StartupError(
            "Need to specify --quorum for replicated log based registry when using ZooKeeper"
        )
    if flags.zk:
        try:
            ZkUrl.parse(str(flags.zk))
        except ZkUrlError as exc:
            raise StartupError(f"Failed to parse '--zk': {exc}") from None


class MasterProcess:
    """One simulated mesos-master."""

    def __init__(self, flags: Flags, tls: TlsContexts | None = None) -> None:
        check_master_flags(flags)
        self.flags = flags
        self.tls = tls
        ip, hostname = resolve_address(flags.ip, flags.hostname, bool(flags.hostname_lookup))
        port = int(flags.port)
        advertise_ip = flags.advertise_ip or ip
        advertise_port = int(flags.advertise_port or port)
        self.state = MasterState(flags, Address(ip, port, hostname, advertise_ip, advertise_port))
        state = self.state
        self.agent_client = AgentClient(tls)
        self.allocator = Allocator(state)
        self.task_service = TaskService(state, self.allocator, self.agent_client)
        self.framework_service = FrameworkService(state, self.allocator, self.task_service)
        self.agent_service = AgentService(
            state, self.allocator, self.task_service, self.agent_client
        )
        self.scheduler = SchedulerEndpoint(
            state,
            _authenticator(flags),
            (self.framework_service, self.task_service, self.allocator),
        )
        self.operator = OperatorEndpoints(state, self.framework_service)
        self.leadership: ZkLeadership | None = None
        self.stop_event = asyncio.Event()
        self.exit_code = 0

    # routes ------------------------------------------------------------------------------
    def app(self) -> web.Application:
        """The aiohttp application with every master route."""
        app = build_app()
        prefixed = [
            ("/api/v1/scheduler", self.scheduler.handle),
            *self.operator.routes(),
            ("/health", self.health),
        ]
        for path, handler in prefixed:
            # Real Mesos answers 404 to /master/redirect/ (tests/conformance ENDPOINTS).
            add = app.router.add_route if path == "/redirect" else functools.partial(add_route, app)
            add("*", path, handler)
            add("*", "/master" + path, handler)
        add_route(app, "*", "/version", self.version)
        add_route(app, "*", "/metrics/snapshot", self.metrics)
        app.router.add_route("GET", "/", web_ui.handler(self.state))
        app.router.add_route("POST", "/sim/register", self.sim_register)
        app.router.add_route("POST", "/sim/status_update", self.sim_status_update)
        app.router.add_route("POST", "/sim/disconnect", self.sim_disconnect)
        return app

    async def health(self, request: web.Request) -> web.Response:
        """GET /health: 200, empty body."""
        return web.Response(status=200)

    async def version(self, request: web.Request) -> web.Response:
        """GET /version."""
        return json_response(render.version_json())

    async def metrics(self, request: web.Request) -> web.Response:
        """GET /metrics/snapshot."""
        return json_response(render.metrics_snapshot(self.state))

    async def _sim_body(self, request: web.Request) -> dict | web.Response:
        if not self.state.is_leader:
            return redirect_or_unavailable(self.state, request)
        try:
            body = parse_json_body(await request.read())
        except ValueError as exc:
            return text_response(400, f"Failed to parse body into JSON: {exc}")
        if not isinstance(body, dict):
            return text_response(400, "Expecting a JSON object")
        return body

    async def sim_register(self, request: web.Request) -> web.Response:
        """Internal: an agent (re-)registers."""
        body = await self._sim_body(request)
        if isinstance(body, web.Response):
            return body
        try:
            return json_response(self.agent_service.register(body))
        except (KeyError, TypeError, ValueError) as exc:
            return text_response(400, f"Malformed registration: {exc!r}")

    async def sim_status_update(self, request: web.Request) -> web.Response:
        """Internal: an agent forwards a task status update."""
        body = await self._sim_body(request)
        if isinstance(body, web.Response):
            return body
        agent = self.state.agents.get(str(body.get("agent_id")))
        if agent is None:
            return text_response(404, "Unknown agent; re-register")
        try:
            self.task_service.status_update(
                agent, body["framework_id"], body["status"], body["latest_state"], body.get("task")
            )
        except (KeyError, TypeError) as exc:
            return text_response(400, f"Malformed status update: {exc!r}")
        return json_response({})

    async def sim_disconnect(self, request: web.Request) -> web.Response:
        """Internal: an agent shuts down."""
        body = await self._sim_body(request)
        if isinstance(body, web.Response):
            return body
        if not self.agent_service.disconnect(str(body.get("agent_id"))):
            return text_response(404, "Unknown agent")
        return json_response({})

    # leadership --------------------------------------------------------------------------
    def _elected(self) -> None:
        state = self.state
        state.is_leader = True
        state.leader = state.master_info()
        state.elected_time = time.time()
        log.info("Elected as the leading master!")
        self.allocator.request_allocation()

    def _leader_changed(self, info: dict | None, is_self: bool) -> None:
        state = self.state
        if state.is_leader and not is_self:
            log.error("Lost leadership... committing suicide!")
            self._exit(1)
            return
        state.leader = info
        if info is None:
            log.info("No leading master")
        elif is_self:
            self._elected()
        else:
            log.info("The newly elected leader is %s with id %s", info.get("pid"), info.get("id"))

    def _contend(self) -> None:
        self.leadership = ZkLeadership(
            ZkUrl.parse(str(self.flags.zk)),
            float(self.flags.zk_session_timeout),
            self._leader_changed,
            self._session_lost,
            master_info=self.state.master_info(),
        )
        spawn(self.leadership.start(), "zookeeper contender")

    def _session_lost(self) -> None:
        # Master::lostCandidacy: a leader exits (systemd restarts it); a follower contends again.
        if self.state.is_leader:
            log.error("Lost candidacy as a leader... committing suicide!")
            self._exit(1)
            return
        log.info("Lost candidacy as a follower... Contend again")
        self.state.leader = None
        spawn(self._contend_again(), "zookeeper contender")

    async def _contend_again(self) -> None:
        if self.leadership is not None:
            await self.leadership.stop()
        if not self.stop_event.is_set():
            self._contend()

    def _exit(self, code: int) -> None:
        self.exit_code = code
        self.stop_event.set()

    # lifecycle ---------------------------------------------------------------------------
    async def _start(self) -> None:
        state = self.state
        await self.agent_client.start()
        self.allocator.start()
        self.agent_service.start()
        log.info(
            "Master %s (%s) started on %s:%d",
            state.master_id,
            state.address.hostname,
            state.address.ip,
            state.address.port,
        )
        if self.flags.zk:
            self._contend()
        else:
            self._elected()

    async def _stop(self) -> None:
        state = self.state
        log.info("Master shutting down")
        for framework in list(state.frameworks.values()):
            if framework.stream is not None:
                framework.stream.close()
        if self.leadership is not None:
            # Like Mesos: exit without closing the ZooKeeper session (it expires).
            self.leadership.abandon()
        await self.allocator.stop()
        await self.agent_service.stop()
        await cancel_all()
        await self.agent_client.close()

    async def run(self) -> int:
        """Serve until SIGTERM; returns the process exit code."""
        await serve(
            self.app(),
            self.flags.ip or "0.0.0.0",
            self.state.address.port,
            on_start=self._start,
            on_stop=self._stop,
            stop_event=self.stop_event,
            tls=self.tls,
        )
        return self.exit_code
