"""Wiring of the agent process: flags -> resources/attributes, checkpoint, master link,
routes (public state endpoints and the internal /sim/... link), shutdown."""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess

from aiohttp import web

from ..aio import cancel_all, spawn
from ..attributes import AttributeError_, parse_attributes
from ..flags import Flags
from ..http_util import json_response, text_response
from ..jsonparse import parse_json_body
from ..master.render import version_json
from ..process import StartupError, add_route, build_app, resolve_address, serve
from ..resources import ResourcesError, agent_resources
from ..tls_context import TlsContexts
from ..zk import ZkUrl, ZkUrlError
from .checkpoint import IncompatibleAgentInfo, load_agent_id, save_agent_id
from .core import AgentCore
from .master_link import MasterLink
from .operator_http import AgentOperatorEndpoint
from .render import agent_state

log = logging.getLogger(__name__)


def _check_docker(flags: Flags) -> None:
    """Like the real agent: a configured but unusable docker containerizer is fatal."""
    binary = str(flags.docker)
    if shutil.which(binary) is None:
        raise StartupError(
            "Failed to create a containerizer: Could not create DockerContainerizer: "
            f"Failed to create docker: Failed to find docker executable '{binary}'"
        )
    try:
        result = subprocess.run([binary, "version"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StartupError(
            "Failed to create a containerizer: Could not create DockerContainerizer: "
            f"Failed to create docker: Failed to get docker version: {exc}"
        ) from None
    if result.returncode != 0:
        raise StartupError(
            "Failed to create a containerizer: Could not create DockerContainerizer: "
            "Failed to create docker: Failed to get docker version: "
            + result.stderr.decode(errors="replace").strip()
        )


class AgentProcess:
    """One simulated mesos-agent."""

    def __init__(self, flags: Flags, tls: TlsContexts | None = None) -> None:
        self.flags = flags
        self.tls = tls
        if not flags.master:
            raise StartupError("Missing required option --master")
        if str(flags.master).strip().startswith("zk://"):
            try:
                ZkUrl.parse(str(flags.master))
            except ZkUrlError as exc:
                raise StartupError(f"Failed to parse --master: {exc}") from None
        containerizers = [c.strip() for c in str(flags.containerizers).split(",") if c.strip()]
        unknown = [c for c in containerizers if c not in ("mesos", "docker")]
        if unknown:
            raise StartupError(
                f"Failed to create a containerizer: Unknown or unsupported "
                f"containerizer: {unknown[0]}"
            )
        if "docker" in containerizers:
            _check_docker(flags)
        try:
            attributes = parse_attributes(str(flags.attributes or ""))
            resources = agent_resources(flags.resources, str(flags.work_dir))
        except (AttributeError_, ResourcesError) as exc:
            raise StartupError(str(exc)) from None
        ip, hostname = resolve_address(flags.ip, flags.hostname, bool(flags.hostname_lookup))
        port = int(flags.port)
        self.core = AgentCore(
            ip=str(flags.advertise_ip or ip),
            hostname=hostname,
            port=int(flags.advertise_port or port),
            work_dir=str(flags.work_dir),
            resources=resources,
            attributes=attributes,
            containerizers=containerizers,
            agent_id=None,
            retry_interval=float(flags.sim_status_update_retry_interval),
        )
        try:
            self.core.agent_id = load_agent_id(str(flags.work_dir), self.core.agent_info())
        except IncompatibleAgentInfo as exc:
            raise StartupError(str(exc)) from None
        self.core.link = MasterLink(
            str(flags.master),
            float(flags.zk_session_timeout),
            float(flags.registration_backoff_factor),
            self.core.registration_body,
            self._registered,
            tls=tls,
        )
        self.stop_event = asyncio.Event()

    def _registered(self, answer: dict) -> None:
        agent_id = self.core.registered(answer)
        try:
            save_agent_id(str(self.flags.work_dir), agent_id, self.core.agent_info())
        except OSError as exc:
            log.error("Failed to checkpoint the agent id: %s", exc)

    # routes ------------------------------------------------------------------------------
    def app(self) -> web.Application:
        """The aiohttp application with every agent route."""
        app = build_app()
        for path in ("/state", "/slave(1)/state"):
            add_route(app, "*", path, self.state)
        for path in ("/health", "/slave(1)/health"):
            add_route(app, "*", path, self.health)
        for path in ("/flags", "/slave(1)/flags"):
            add_route(app, "*", path, self.flags_endpoint)
        add_route(app, "*", "/version", self.version)
        operator = AgentOperatorEndpoint(self.core, self.flags)
        for path in ("/api/v1", "/slave(1)/api/v1"):
            add_route(app, "*", path, operator.handle)
        internal = {
            "run_task": self.sim_run_task,
            "kill_task": self.sim_kill_task,
            "acknowledge": self.sim_acknowledge,
            "shutdown_framework": self.sim_shutdown_framework,
            "update_framework": self.sim_update_framework,
            "ping": self.sim_ping,
        }
        for name, handler in internal.items():
            app.router.add_route("POST", f"/sim/{name}", self._internal(handler))
        return app

    async def state(self, request: web.Request) -> web.Response:
        """GET /state."""
        return json_response(agent_state(self.core, self.flags))

    async def health(self, request: web.Request) -> web.Response:
        """GET /health."""
        return web.Response(status=200)

    async def flags_endpoint(self, request: web.Request) -> web.Response:
        """GET /flags."""
        return json_response({"flags": dict(self.flags.items())})

    async def version(self, request: web.Request) -> web.Response:
        """GET /version."""
        return json_response(version_json())

    def _internal(self, handler):
        async def wrapped(request: web.Request) -> web.Response:
            try:
                body = parse_json_body(await request.read())
                if not isinstance(body, dict):
                    raise ValueError("expecting a JSON object")
                result = handler(body)
                if asyncio.iscoroutine(result):
                    result = await result
            except (ValueError, KeyError, TypeError) as exc:
                return text_response(400, f"Malformed internal call: {exc!r}")
            return json_response(result or {})

        return wrapped

    def sim_run_task(self, body: dict) -> dict:
        """Internal: the master launches a task here."""
        self.core.run_task(
            body["framework_id"],
            body.get("framework_info") or {},
            body["task"],
            body.get("resources") or body["task"].get("resources", []),
        )
        return {}

    def sim_kill_task(self, body: dict) -> dict:
        """Internal: kill a task."""
        self.core.kill_task(body["framework_id"], body["task_id"], body.get("kill_policy"))
        return {}

    def sim_acknowledge(self, body: dict) -> dict:
        """Internal: a framework acknowledged an update."""
        self.core.acknowledge(body["framework_id"], body["task_id"], body["uuid"])
        return {}

    def sim_shutdown_framework(self, body: dict) -> dict:
        """Internal: the framework was removed."""
        spawn(self.core.shutdown_framework(body["framework_id"]), "shutdown framework")
        return {}

    def sim_update_framework(self, body: dict) -> dict:
        """Internal: a framework re-subscribed (failed over); like Mesos's status update
        manager on UpdateFrameworkMessage, re-send every unacknowledged update now."""
        log.info("Updating framework %s: resending pending status updates", body["framework_id"])
        self.core.updates.resend_now()
        return {}

    def sim_ping(self, body: dict) -> dict:
        """Internal: the master's ping (our pong is the 200 answer)."""
        self.core.link.pinged()
        return {"agent_id": self.core.agent_id, "registered": self.core.link.registered}

    # lifecycle ---------------------------------------------------------------------------
    async def _start(self) -> None:
        log.info(
            "Agent %s:%d starting (work_dir %s)", self.core.ip, self.core.port, self.flags.work_dir
        )
        await self.core.link.start()

    async def _stop(self) -> None:
        log.info("Agent shutting down")
        if self.flags.sim_kill_tasks_on_shutdown:
            await self.core.kill_all()
        await self.core.link.stop(self.core.agent_id)
        await cancel_all()

    async def run(self) -> int:
        """Serve until SIGTERM."""
        await serve(
            self.app(),
            self.flags.ip or "0.0.0.0",
            int(self.flags.port),
            on_start=self._start,
            on_stop=self._stop,
            stop_event=self.stop_event,
            tls=self.tls,
        )
        return 0
