"""The agent's ``POST /api/v1`` (agent.proto calls the simulator answers)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..flags import Flags
from ..http_util import json_response, text_response
from ..master.render import version_json
from ..operator_call import read_operator_call
from .core import AgentCore
from .model import AgentTask


def _task_v1(core: AgentCore, task: AgentTask) -> dict:
    entry = {
        "name": task.info.get("name", ""),
        "task_id": {"value": task.task_id},
        "framework_id": {"value": task.framework_id},
        "executor_id": {"value": task.task_id},
        "agent_id": {"value": core.agent_id or ""},
        "state": task.state,
        "resources": task.resources,
        "statuses": [{"task_id": {"value": task.task_id}, **status} for status in task.statuses],
    }
    if task.last_update_state:
        entry["status_update_state"] = task.last_update_state
    if task.last_uuid:
        entry["status_update_uuid"] = task.last_uuid
    return entry


def _executor_v1(task: AgentTask) -> dict:
    return {
        "executor_info": {
            "type": "DEFAULT",
            "executor_id": {"value": task.task_id},
            "framework_id": {"value": task.framework_id},
            "name": f"Command Executor (Task: {task.task_id})",
            "source": task.task_id,
            "command": task.info.get("command", {}),
            "resources": task.resources,
        }
    }


def agent_info(core: AgentCore) -> dict:
    """v1 AgentInfo of this agent."""
    info = {
        "hostname": core.hostname,
        "port": core.port,
        "resources": core.resources.to_json(),
        "attributes": core.attributes,
    }
    if core.agent_id:
        info["id"] = {"value": core.agent_id}
    return info


def get_tasks(core: AgentCore) -> dict:
    """GET_TASKS payload."""
    live = [t for t in core.tasks.values() if not t.terminal]
    ended = [t for t in core.tasks.values() if t.terminal]
    return {
        "pending_tasks": [],
        "queued_tasks": [],
        "launched_tasks": [_task_v1(core, t) for t in live],
        "terminated_tasks": [_task_v1(core, t) for t in ended],
        "completed_tasks": [_task_v1(core, t) for t in core.completed],
    }


def get_frameworks(core: AgentCore) -> dict:
    """GET_FRAMEWORKS payload."""
    live = {t.framework_id: t.framework_info for t in core.tasks.values()}
    return {
        "frameworks": [{"framework_info": info} for info in live.values()],
        "completed_frameworks": [],
    }


def get_executors(core: AgentCore) -> dict:
    """GET_EXECUTORS payload."""
    return {
        "executors": [_executor_v1(t) for t in core.tasks.values() if not t.terminal],
        "completed_executors": [_executor_v1(t) for t in core.completed],
    }


class AgentOperatorEndpoint:
    """POST /api/v1 on the agent."""

    def __init__(self, core: AgentCore, flags: Flags) -> None:
        self.core = core
        self.flags = flags
        self.payloads: dict[str, tuple[str, Callable[[], dict]]] = {
            "GET_HEALTH": ("get_health", lambda: {"healthy": True}),
            "GET_VERSION": ("get_version", lambda: {"version_info": version_json()}),
            "GET_FLAGS": (
                "get_flags",
                lambda: {"flags": [{"name": n, "value": v} for n, v in self.flags.items()]},
            ),
            "GET_AGENT": ("get_agent", lambda: {"agent_info": agent_info(self.core)}),
            "GET_TASKS": ("get_tasks", lambda: get_tasks(self.core)),
            "GET_FRAMEWORKS": ("get_frameworks", lambda: get_frameworks(self.core)),
            "GET_EXECUTORS": ("get_executors", lambda: get_executors(self.core)),
            "GET_STATE": (
                "get_state",
                lambda: {
                    "get_tasks": get_tasks(self.core),
                    "get_executors": get_executors(self.core),
                    "get_frameworks": get_frameworks(self.core),
                },
            ),
        }

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one agent operator call."""
        call = await read_operator_call(request, "AgentCall", "agent::Call")
        if isinstance(call, web.Response):
            return call
        kind = call["type"]
        payload = self.payloads.get(kind)
        if payload is None:
            return text_response(501, f"mesos_sim does not simulate the {kind} call")
        field, build = payload
        return json_response({"type": kind, field: build()})
