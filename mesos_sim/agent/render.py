"""The agent's v0 JSON: ``/state`` (also ``/slave(1)/state``) in Mesos's shape."""

from __future__ import annotations

from .. import MESOS_VERSION
from ..attributes import attributes_object
from ..flags import Flags
from ..master.render import version_json
from ..resources import Resources
from .core import AgentCore
from .model import AgentTask


def _task(task: AgentTask, agent_id: str | None) -> dict:
    return {
        "id": task.task_id,
        "name": task.info.get("name", ""),
        "framework_id": task.framework_id,
        "executor_id": task.task_id,
        "slave_id": agent_id,
        "state": task.state,
        "resources": Resources.from_json(task.resources).to_v0_object(),
        "role": task.role,
        "statuses": task.statuses,
    }


def _executor(task: AgentTask, agent_id: str | None) -> dict:
    command = (task.info.get("command") or {}).get("value", "")
    return {
        "id": task.task_id,
        "name": f"Command Executor (Task: {task.task_id}) (Command: sh -c '{command}')",
        "source": task.task_id,
        "container": task.container_id,
        "directory": str(task.sandbox),
        "resources": Resources.from_json(task.resources).to_v0_object(),
        "role": task.role,
        "tasks": [] if task.terminal else [_task(task, agent_id)],
        "queued_tasks": [],
        "completed_tasks": [_task(task, agent_id)] if task.terminal else [],
    }


def _framework_roles(info: dict) -> dict:
    """``roles`` for a MULTI_ROLE framework, else ``role``; ``capabilities`` when it has any
    (as real Mesos 1.12's agent writes them; tests/conformance)."""
    capabilities = [c.get("type") for c in info.get("capabilities", [])]
    fields: dict = {"capabilities": capabilities} if capabilities else {}
    if "MULTI_ROLE" in capabilities:
        fields["roles"] = info.get("roles", [])
    else:
        fields["role"] = info.get("role", "*")
    return fields


def agent_state(core: AgentCore, flags: Flags) -> dict:
    """GET /state of the agent."""
    frameworks: dict[str, dict] = {}
    for task in core.tasks.values():
        info = task.framework_info
        entry = frameworks.setdefault(
            task.framework_id,
            {
                "id": task.framework_id,
                "name": info.get("name", ""),
                "user": info.get("user", ""),
                "failover_timeout": float(info.get("failover_timeout", 0.0)),
                "checkpoint": bool(info.get("checkpoint", False)),
                "hostname": info.get("hostname", ""),
                **_framework_roles(info),
                "executors": [],
                "completed_executors": [],
            },
        )
        entry["executors"].append(_executor(task, core.agent_id))
    used = Resources()
    for task in core.tasks.values():
        if not task.terminal:
            used = used + Resources.from_json(task.resources)
    result = {
        **version_json(),
        "version": MESOS_VERSION,
        "start_time": core.start_time,
        "id": core.agent_id or "",
        "pid": f"slave(1)@{core.endpoint}",
        "hostname": core.hostname,
        "capabilities": ["MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT"],
        "resources": core.resources.to_v0_object(),
        "attributes": attributes_object(core.attributes),
        "flags": dict(flags.items()),
        "frameworks": list(frameworks.values()),
        "completed_frameworks": [],
        "resource_providers": [],
        "reserved_resources": {},
        "unreserved_resources": core.resources.to_v0_object(),
        "reserved_resources_full": {},
        "unreserved_resources_full": core.resources.to_json(),
        "reserved_resources_allocated": {},
        "unreserved_resources_allocated": used.to_v0_object(),
    }
    if core.link is not None and core.link.registered:
        result["master_hostname"] = core.link.master_hostname
    if flags.log_dir:
        result["log_dir"] = flags.log_dir
    return result
