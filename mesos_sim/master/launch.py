"""Validation of a LAUNCH's TaskInfo, in the order of master/validation.cpp."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Optional

from ..resources import Resources, ResourcesError
from .container_check import validate_container_info
from .model import Agent, Framework

NAME_MAX = 255
TaskCheck = Callable[[dict, Framework, Agent, Resources, str], Optional[str]]


def validate_id(value: str) -> str | None:
    """common::validation::validateID."""
    if not value:
        return "ID must not be empty"
    if len(value) > NAME_MAX:
        return f"ID must not be greater than {NAME_MAX} characters"
    if value in (".", ".."):
        return f"'{value}' is disallowed"
    if re.search(r"[\x00-\x1f\x7f/\\]", value):
        return f"'{value}' contains invalid characters"
    return None


def task_resources(task: dict) -> Resources:
    """The task's resources (plus its executor's); raises ResourcesError when malformed."""
    total = Resources.from_json(task.get("resources", []))
    executor = task.get("executor")
    if executor:
        total = total + Resources.from_json(executor.get("resources", []))
    return total


def _task_id(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    return validate_id(task["task_id"]["value"])


def _unique(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    task_id = task["task_id"]["value"]
    if task_id in framework.tasks:
        return f"Task has duplicate ID: {task_id}"
    if task_id in framework.unreachable_tasks:
        return f"Task reuses the ID of an unreachable task: {task_id}"
    return None


def _agent_id(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    given = task["agent_id"]["value"]
    if given != agent.agent_id:
        return f"Task uses invalid agent {given} while agent {agent.agent_id} is expected"
    return None


def _kill_policy(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    grace = (task.get("kill_policy") or {}).get("grace_period")
    if grace is not None and grace.get("nanoseconds", 0) < 0:
        return "Task's 'kill_policy.grace_period' must be non-negative"
    return None


def _max_completion(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    limit = task.get("max_completion_time")
    if limit is not None and limit.get("nanoseconds", 0) < 0:
        return "Task's `max_completion_time` must be non-negative"
    return None


def _resources(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    if not task.get("resources"):
        return "Task uses no resources"
    for resource in task["resources"]:
        scalar = (resource.get("scalar") or {}).get("value")
        if resource.get("type") == "SCALAR" and (scalar is None or scalar < 0):
            return f"Task uses invalid resources: Invalid scalar resource {resource['name']}"
        for item in (resource.get("ranges") or {}).get("range", []):
            if item["begin"] > item["end"]:
                return f"Task uses invalid resources: Invalid ranges resource {resource['name']}"
    return None


def _command(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    command = task.get("command")
    if not command:
        return None
    for variable in (command.get("environment") or {}).get("variables", []):
        kind = variable.get("type", "VALUE")
        if kind == "UNKNOWN":
            return (
                "Task's `CommandInfo` is invalid: Environment variable of type "
                "'UNKNOWN' is not allowed"
            )
        if kind == "VALUE" and "value" not in variable:
            return (
                f"Task's `CommandInfo` is invalid: Environment variable "
                f"'{variable['name']}' of type 'VALUE' must have a value set"
            )
    return None


def _container(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    container = task.get("container")
    if container is None:
        return None
    error = validate_container_info(container)
    return f"Task's `ContainerInfo` is invalid: {error}" if error else None


def _executor(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    if ("executor" in task) == ("command" in task):
        return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present"
    executor = task.get("executor")
    if executor is not None:
        if executor.get("type", "CUSTOM") != "CUSTOM":
            return "'ExecutorInfo.type' must be 'CUSTOM'"
        if "command" not in executor:
            return "'ExecutorInfo.command' must be set"
    try:
        total = task_resources(task)
    except ResourcesError as exc:
        return f"Task uses invalid resources: {exc}"
    if not offered.contains(total):
        return (
            f"Total resources {total.text(role)} required by task and its executor is "
            f"more than available {offered.text(role)}"
        )
    return None


CHECKS: list[TaskCheck] = [
    _task_id,
    _unique,
    _agent_id,
    _kill_policy,
    _max_completion,
    _resources,
    _command,
    _container,
    _executor,
]


def validate_task(
    task: dict, framework: Framework, agent: Agent, offered: Resources, role: str
) -> str | None:
    """The first validation error of ``task`` against the remaining offered resources."""
    for check in CHECKS:
        error = check(task, framework, agent, offered, role)
        if error:
            return error
    return None
