"""Operator endpoints: ``POST /api/v1`` (master.proto calls) and the v0 JSON endpoints."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from aiohttp import web

from ..http_util import (
    json_response,
    method_not_allowed,
    text_response,
)
from ..operator_call import read_operator_call
from . import render
from .scheduler_http import redirect_or_unavailable

if TYPE_CHECKING:
    from .frameworks import FrameworkService
    from .state import MasterState

log = logging.getLogger(__name__)

Payload = Callable[["MasterState", dict], dict]


def _flags_v1(state: MasterState, call: dict) -> dict:
    return {"flags": [{"name": n, "value": v} for n, v in state.flags.items()]}


def _state_v1(state: MasterState, call: dict) -> dict:
    return {
        "get_tasks": render.get_tasks(state),
        "get_executors": {"executors": []},
        "get_frameworks": render.get_frameworks(state),
        "get_agents": render.get_agents(state),
    }


PAYLOADS: dict[str, tuple[str, Payload]] = {
    "GET_HEALTH": ("get_health", lambda s, c: {"healthy": True}),
    "GET_VERSION": ("get_version", lambda s, c: {"version_info": render.version_json()}),
    "GET_FLAGS": ("get_flags", _flags_v1),
    "GET_STATE": ("get_state", _state_v1),
    "GET_AGENTS": ("get_agents", lambda s, c: render.get_agents(s)),
    "GET_FRAMEWORKS": ("get_frameworks", lambda s, c: render.get_frameworks(s)),
    "GET_TASKS": ("get_tasks", lambda s, c: render.get_tasks(s)),
    "GET_MASTER": ("get_master", lambda s, c: render.get_master(s)),
    "GET_EXECUTORS": ("get_executors", lambda s, c: {"executors": []}),
    "GET_METRICS": (
        "get_metrics",
        lambda s, c: {
            "metrics": [{"name": k, "value": v} for k, v in render.metrics_snapshot(s).items()]
        },
    ),
    "GET_LOGGING_LEVEL": ("get_logging_level", lambda s, c: {"level": 0}),
    "GET_ROLES": ("get_roles", lambda s, c: {"roles": []}),
    "GET_OPERATIONS": ("get_operations", lambda s, c: {"operations": []}),
}


class OperatorEndpoints:
    """Handlers for the master's operator-facing endpoints."""

    def __init__(self, state: MasterState, framework_service: FrameworkService) -> None:
        self.state = state
        self.framework_service = framework_service

    async def api(self, request: web.Request) -> web.StreamResponse:
        """POST /api/v1, in Master::Http::api's check order."""
        state = self.state
        if not state.is_leader:
            return redirect_or_unavailable(state, request)
        call = await read_operator_call(request, "MasterCall", "master::Call")
        if isinstance(call, web.Response):
            return call
        kind = call["type"]
        if kind == "TEARDOWN":
            return self._teardown(call["teardown"]["framework_id"]["value"])
        payload = PAYLOADS.get(kind)
        if payload is None:
            return text_response(501, f"mesos_sim does not simulate the {kind} call")
        field, build = payload
        return json_response({"type": kind, field: build(state, call)})

    def _teardown(self, framework_id: str) -> web.Response:
        framework = self.state.frameworks.get(framework_id)
        if framework is None:
            return text_response(400, f"No framework found with ID {framework_id}")
        self.framework_service.remove(framework)
        return web.Response(status=200)

    async def teardown_v0(self, request: web.Request) -> web.StreamResponse:
        """POST /master/teardown with ``frameworkId=...`` in a form body."""
        if not self.state.is_leader:
            return redirect_or_unavailable(self.state, request)
        if request.method != "POST":
            return method_not_allowed(["POST"], request.method)
        body = (await request.read()).decode("utf-8", errors="replace")
        values = parse_qs(body)
        if "frameworkId" not in values:
            return text_response(400, "Missing 'frameworkId' query parameter in the request body")
        return self._teardown(values["frameworkId"][0])

    def _leader_json(self, build: Callable[[MasterState], dict]):
        async def handler(request: web.Request) -> web.StreamResponse:
            if not self.state.is_leader:
                return redirect_or_unavailable(self.state, request)
            return json_response(build(self.state))

        return handler

    def routes(self) -> list[tuple[str, Callable]]:
        """(path, handler) for every operator endpoint, without the /master prefix."""
        state_handler = self._leader_json(render.master_state_v0)
        return [
            ("/api/v1", self.api),
            ("/state", state_handler),
            ("/state-summary", self._leader_json(render.state_summary)),
            (
                "/frameworks",
                self._leader_json(
                    lambda s: {
                        "frameworks": [render.framework_v0(s, f) for f in s.frameworks.values()],
                        "completed_frameworks": [
                            render.framework_v0(s, f) for f in s.completed_frameworks
                        ],
                        "unregistered_frameworks": [],
                    }
                ),
            ),
            (
                "/slaves",
                self._leader_json(
                    lambda s: {
                        "slaves": [render.agent_v0(s, a, full=True) for a in s.agents.values()],
                        "recovered_slaves": [],
                    }
                ),
            ),
            ("/tasks", self.tasks_v0),
            ("/flags", self._leader_json(lambda s: {"flags": dict(s.flags.items())})),
            ("/teardown", self.teardown_v0),
            ("/redirect", self.redirect),
        ]

    async def tasks_v0(self, request: web.Request) -> web.StreamResponse:
        """GET /tasks with ``limit``, ``offset``, ``order``, ``framework_id``, ``task_id``."""
        if not self.state.is_leader:
            return redirect_or_unavailable(self.state, request)
        return json_response(render.tasks_v0(self.state, dict(request.query)))

    async def redirect(self, request: web.Request) -> web.StreamResponse:
        """GET /redirect: 307 to the leader's base URL."""
        leader = self.state.leader
        if leader is None:
            return text_response(503, "No leader elected")
        return web.Response(
            status=307, headers={"Location": f"//{leader.get('hostname')}:{leader.get('port')}"}
        )
