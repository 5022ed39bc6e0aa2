"""JSON views of the master: v0 ``/master/state`` and the v1 operator API objects."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .. import MESOS_VERSION, PRODUCT
from ..attributes import attributes_object
from ..resources import Resources
from .model import Agent, Framework, Task
from .offer_view import offer_json, offered_on

if TYPE_CHECKING:
    from .state import MasterState

BUILD_DATE = "2026-01-01 00:00:00"
BUILD_TIME = 1767225600.0
TASK_STATES = [
    "TASK_STAGING",
    "TASK_STARTING",
    "TASK_RUNNING",
    "TASK_KILLING",
    "TASK_FINISHED",
    "TASK_KILLED",
    "TASK_FAILED",
    "TASK_LOST",
    "TASK_ERROR",
    "TASK_UNREACHABLE",
    "TASK_DROPPED",
    "TASK_GONE",
    "TASK_GONE_BY_OPERATOR",
    "TASK_UNKNOWN",
]
AGENT_CAPABILITIES = [
    "MULTI_ROLE",
    "HIERARCHICAL_ROLE",
    "RESERVATION_REFINEMENT",
    "RESOURCE_PROVIDER",
    "RESIZE_VOLUME",
    "AGENT_OPERATION_FEEDBACK",
    "AGENT_DRAINING",
    "TASK_RESOURCE_LIMITS",
]


def version_json() -> dict:
    """GET /version (Mesos's shape; build_user names the simulator)."""
    return {
        "build_date": BUILD_DATE,
        "build_time": BUILD_TIME,
        "build_user": PRODUCT,
        "git_tag": MESOS_VERSION,
        "version": MESOS_VERSION,
    }


def _nanos(seconds: float | None) -> dict | None:
    return None if seconds is None else {"nanoseconds": int(seconds * 1e9)}


def _sum(resources: list[Resources]) -> Resources:
    total = Resources()
    for item in resources:
        total = total + item
    return total


# v0 ----------------------------------------------------------------------------------------
def task_v0(task: Task) -> dict:
    """A task in /master/state."""
    entry = {
        "id": task.task_id,
        "name": task.info.get("name", ""),
        "framework_id": task.framework_id,
        "executor_id": "",
        "slave_id": task.agent_id,
        "state": task.state,
        "resources": task.resources.to_v0_object(),
        "role": task.role,
        "statuses": [
            {"state": s["state"], "timestamp": s.get("timestamp", 0.0)} for s in task.statuses
        ],
    }
    if "container" in task.info:
        entry["container"] = task.info["container"]
    if "labels" in task.info:
        entry["labels"] = task.info["labels"].get("labels", [])
    return entry


def framework_v0(state: MasterState, framework: Framework) -> dict:
    """A framework in /master/state."""
    live = [t for t in framework.tasks.values() if not t.terminal]
    used = _sum([t.resources for t in live])
    offered = _sum([o.resources for o in framework.offers.values()])
    info = framework.info
    entry = {
        "id": framework.framework_id,
        "name": info.get("name", ""),
        "user": info.get("user", ""),
        "hostname": info.get("hostname", ""),
        "webui_url": info.get("webui_url", ""),
        "failover_timeout": framework.failover_timeout,
        "checkpoint": bool(info.get("checkpoint", False)),
        "capabilities": sorted(framework.capabilities),
        "active": framework.active,
        "connected": framework.connected,
        "recovered": framework.recovered,
        "registered_time": framework.registered_time,
        "unregistered_time": framework.unregistered_time or 0,
        "resources": (used + offered).to_v0_object(),
        "used_resources": used.to_v0_object(),
        "offered_resources": offered.to_v0_object(),
        "tasks": [task_v0(t) for t in framework.tasks.values()],
        "unreachable_tasks": [task_v0(t) for t in framework.unreachable_tasks.values()],
        "completed_tasks": [task_v0(t) for t in framework.completed_tasks],
        "offers": [
            {
                "id": o.offer_id,
                "framework_id": o.framework_id,
                "slave_id": o.agent_id,
                "resources": o.resources.to_v0_object(),
            }
            for o in framework.offers.values()
        ],
        "executors": [],
    }
    # readonly_handler.cpp: "roles" for MULTI_ROLE frameworks, else the single "role".
    if "MULTI_ROLE" in framework.capabilities:
        entry["roles"] = framework.roles
    else:
        entry["role"] = framework.roles[0] if framework.roles else "*"
    if framework.reregistered_time:
        entry["reregistered_time"] = framework.reregistered_time
    if info.get("principal"):
        entry["principal"] = info["principal"]
    if "labels" in info:
        entry["labels"] = info["labels"].get("labels", [])
    return entry


def agent_v0(state: MasterState, agent: Agent, full: bool = False) -> dict:
    """An agent ("slave") in /master/state; ``full``: with the ``*_full`` resource lists
    that /master/slaves adds."""
    used = agent.used()
    offered = offered_on(state.offers.values(), agent.agent_id)
    entry = {
        "id": agent.agent_id,
        "pid": agent.pid,
        "hostname": agent.hostname,
        "port": agent.port,
        "registered_time": agent.registered_time,
        "resources": agent.total.to_v0_object(),
        "used_resources": used.to_v0_object(),
        "offered_resources": offered.to_v0_object(),
        "reserved_resources": {},
        "unreserved_resources": agent.total.to_v0_object(),
        "attributes": attributes_object(agent.attributes),
        "active": agent.active,
        "deactivated": False,
        "version": agent.version,
        "capabilities": AGENT_CAPABILITIES,
    }
    if full:
        entry["reserved_resources_full"] = {}
        entry["unreserved_resources_full"] = agent.total.to_json()
        entry["used_resources_full"] = used.to_json("*")
        entry["offered_resources_full"] = offered.to_json("*")
    if agent.reregistered_time:
        entry["reregistered_time"] = agent.reregistered_time
    return entry


def master_state_v0(state: MasterState) -> dict:
    """GET /master/state (alias /state)."""
    address = state.address
    result = {
        **version_json(),
        "start_time": state.start_time,
        "id": state.master_id,
        "pid": state.pid,
        "hostname": address.hostname,
        "capabilities": ["AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"],
        "activated_slaves": sum(1 for a in state.agents.values() if a.active),
        "deactivated_slaves": 0,
        "unreachable_slaves": len(state.unreachable_agents),
        "flags": dict(state.flags.items()),
        "slaves": [agent_v0(state, a) for a in state.agents.values()],
        "recovered_slaves": [],
        "frameworks": [framework_v0(state, f) for f in state.frameworks.values()],
        "completed_frameworks": [framework_v0(state, f) for f in state.completed_frameworks],
        "orphan_tasks": [],
        "unregistered_frameworks": [],
    }
    if state.flags.cluster:
        result["cluster"] = state.flags.cluster
    if state.elected_time is not None:
        result["elected_time"] = state.elected_time
    if state.leader is not None:
        result["leader"] = state.leader.get("pid")
        result["leader_info"] = state.leader
    if state.flags.log_dir:
        result["log_dir"] = state.flags.log_dir
    return result


SUMMARY_STATES = TASK_STATES[:10]


def _state_counts(tasks: list[Task]) -> dict:
    return {state: sum(1 for t in tasks if t.state == state) for state in SUMMARY_STATES}


def known_tasks(framework: Framework) -> list[Task]:
    """A framework's tasks, unreachable tasks and completed tasks (in that order), the set
    Mesos's /tasks and state-summary count."""
    return [
        *framework.tasks.values(),
        *framework.unreachable_tasks.values(),
        *framework.completed_tasks,
    ]


def state_summary(state: MasterState) -> dict:
    """GET /master/state-summary."""
    every_task = [t for f in state.frameworks.values() for t in known_tasks(f)]
    slaves = []
    for agent in state.agents.values():
        entry = agent_v0(state, agent)
        tasks = [t for t in every_task if t.agent_id == agent.agent_id]
        entry.update(_state_counts(tasks))
        entry["framework_ids"] = sorted({t.framework_id for t in tasks})
        slaves.append(entry)
    frameworks = []
    for framework in state.frameworks.values():
        entry = framework_v0(state, framework)
        for key in (
            *("tasks", "completed_tasks", "unreachable_tasks", "offers", "executors"),
            *("checkpoint", "failover_timeout", "registered_time", "unregistered_time"),
            *("resources", "role", "user", "reregistered_time"),
        ):
            entry.pop(key, None)
        tasks = known_tasks(framework)
        entry.update(_state_counts(tasks))
        entry["slave_ids"] = sorted({t.agent_id for t in tasks})
        frameworks.append(entry)
    result = {"hostname": state.address.hostname, "slaves": slaves, "frameworks": frameworks}
    if state.flags.cluster:
        result["cluster"] = state.flags.cluster
    return result


# v1 ----------------------------------------------------------------------------------------
def task_v1(task: Task) -> dict:
    """A v1 Task."""
    entry = {
        "name": task.info.get("name", ""),
        "task_id": {"value": task.task_id},
        "framework_id": {"value": task.framework_id},
        "agent_id": {"value": task.agent_id},
        "state": task.state,
        "resources": task.resources.to_json(task.role, legacy_role=False),
        "statuses": task.statuses,
    }
    if task.status_update_state:
        entry["status_update_state"] = task.status_update_state
    if task.status_update_uuid:
        entry["status_update_uuid"] = task.status_update_uuid
    for key in ("container", "labels", "discovery", "kill_policy", "health_check"):
        if key in task.info:
            entry[key] = task.info[key]
    return entry


def framework_v1(state: MasterState, framework: Framework) -> dict:
    """A v1 GetFrameworks.Framework."""
    live = [t for t in framework.tasks.values() if not t.terminal]
    entry = {
        "framework_info": {"checkpoint": False, **framework.info},
        "active": framework.active,
        "connected": framework.connected,
        "recovered": framework.recovered,
        "registered_time": _nanos(framework.registered_time),
        "offers": [
            offer_json(o, state.agents[o.agent_id], "MULTI_ROLE" in framework.capabilities)
            for o in framework.offers.values()
            if o.agent_id in state.agents
        ],
        "allocated_resources": _sum([t.resources for t in live]).to_json("*"),
        "offered_resources": _sum([o.resources for o in framework.offers.values()]).to_json("*"),
    }
    _drop_empty(entry, "offers", "allocated_resources", "offered_resources")
    # A new Framework's reregistered time is its registered time (master/framework.cpp).
    entry["reregistered_time"] = _nanos(framework.reregistered_time or framework.registered_time)
    if framework.unregistered_time:
        entry["unregistered_time"] = _nanos(framework.unregistered_time)
    return entry


def agent_v1(state: MasterState, agent: Agent) -> dict:
    """A v1 GetAgents.Agent."""
    entry = {
        "agent_info": {
            "hostname": agent.hostname,
            "port": agent.port,
            "resources": agent.total.to_json(legacy_role=False),
            "attributes": agent.attributes,
            "id": {"value": agent.agent_id},
            "checkpoint": True,
        },
        "active": agent.active,
        "deactivated": False,
        "version": agent.version,
        "pid": agent.pid,
        "registered_time": _nanos(agent.registered_time),
        "total_resources": agent.total.to_json(),
        "allocated_resources": agent.used().to_json("*"),
        "offered_resources": offered_on(state.offers.values(), agent.agent_id).to_json("*"),
        "capabilities": [{"type": c} for c in AGENT_CAPABILITIES],
    }
    _drop_empty(entry, "allocated_resources", "offered_resources")
    if agent.reregistered_time:
        entry["reregistered_time"] = _nanos(agent.reregistered_time)
    return entry


def _drop_empty(entry: dict, *keys: str) -> None:
    """Protobuf JSON (v1 messages) leaves out repeated fields that are empty."""
    for key in keys:
        if entry.get(key) == []:
            del entry[key]


def get_agents(state: MasterState) -> dict:
    """GET_AGENTS payload."""
    return {
        "agents": [agent_v1(state, a) for a in state.agents.values()],
        "recovered_agents": [],
    }


def get_frameworks(state: MasterState) -> dict:
    """GET_FRAMEWORKS payload."""
    return {
        "frameworks": [framework_v1(state, f) for f in state.frameworks.values()],
        "completed_frameworks": [framework_v1(state, f) for f in state.completed_frameworks],
    }


def get_tasks(state: MasterState) -> dict:
    """GET_TASKS payload (readonly_handler.cpp jsonifyGetTasks): every entry of a framework's
    tasks, terminal but unacknowledged ones included, under ``tasks``."""
    frameworks = [*state.frameworks.values(), *state.completed_frameworks]
    return {
        "tasks": [task_v1(t) for f in frameworks for t in f.tasks.values()],
        "unreachable_tasks": [task_v1(t) for f in frameworks for t in f.unreachable_tasks.values()],
        "completed_tasks": [task_v1(t) for f in frameworks for t in f.completed_tasks],
    }


TASKS_LIMIT = 100


def _first_timestamp(task: Task) -> float:
    return task.statuses[0].get("timestamp", 0.0) if task.statuses else 0.0


def tasks_v0(state: MasterState, query: dict[str, str]) -> dict:
    """GET /master/tasks (readonly_handler.cpp tasks): live, unreachable and completed tasks
    of active and completed frameworks, by first status timestamp (``order=asc`` or
    descending), paged with ``limit`` (100) and ``offset``, filtered by ``framework_id`` and
    ``task_id``."""
    limit = _count(query.get("limit"), TASKS_LIMIT)
    offset = _count(query.get("offset"), 0)
    framework_id, task_id = query.get("framework_id"), query.get("task_id")
    tasks = [
        t
        for f in [*state.frameworks.values(), *state.completed_frameworks]
        if framework_id is None or f.framework_id == framework_id
        for t in known_tasks(f)
        if task_id is None or t.task_id == task_id
    ]
    tasks.sort(key=_first_timestamp, reverse=query.get("order") != "asc")
    return {"tasks": [task_v0(t) for t in tasks[offset : offset + limit]]}


def _count(text: str | None, default: int) -> int:
    """``numify<int>`` of a query value; anything else (or negative) gives the default."""
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return value if value >= 0 else default


def get_master(state: MasterState) -> dict:
    """GET_MASTER payload."""
    result = {"master_info": state.master_info(), "start_time": state.start_time}
    if state.elected_time is not None:
        result["elected_time"] = state.elected_time
    return result


def metrics_snapshot(state: MasterState) -> dict:
    """GET /metrics/snapshot (a subset of Mesos's master metrics)."""
    tasks = [t for f in state.frameworks.values() for t in f.tasks.values()]
    result = {
        "master/elected": 1.0 if state.is_leader else 0.0,
        "master/uptime_secs": time.time() - state.start_time,
        "master/slaves_active": float(len(state.agents)),
        "master/slaves_connected": float(len(state.agents)),
        "master/slaves_unreachable": float(len(state.unreachable_agents)),
        "master/frameworks_active": float(sum(1 for f in state.frameworks.values() if f.active)),
        "master/frameworks_connected": float(
            sum(1 for f in state.frameworks.values() if f.connected)
        ),
        "master/frameworks_disconnected": float(
            sum(1 for f in state.frameworks.values() if not f.connected)
        ),
        "master/outstanding_offers": float(len(state.offers)),
        "master/tasks_running": float(sum(1 for t in tasks if t.state == "TASK_RUNNING")),
        "master/tasks_staging": float(sum(1 for t in tasks if t.state == "TASK_STAGING")),
        "master/tasks_starting": float(sum(1 for t in tasks if t.state == "TASK_STARTING")),
    }
    for key, value in state.metrics.items():
        result.setdefault(key, float(value))
    return dict(sorted(result.items()))
