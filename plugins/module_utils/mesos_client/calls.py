# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bodies of scheduler calls (``mesos.v1.scheduler.Call`` as JSON), built without I/O.

Each function returns ``(call_type, payload)``; the session adds ``type`` and
``framework_id``. ID arguments accept a plain string or an ``{"value": ...}`` object.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional, Union

from .framework import FrameworkInfo

# Evaluated at import time on the managed node, so no `X | Y` (Python 3.10+) here.
Id = Union[str, Mapping[str, str]]
Payload = Optional[dict[str, Any]]
CallSpec = tuple[str, Payload]

#: Every call type of ``mesos.v1.scheduler.Call`` (Mesos 1.11).
CALL_TYPES = (
    "SUBSCRIBE",
    "TEARDOWN",
    "ACCEPT",
    "DECLINE",
    "ACCEPT_INVERSE_OFFERS",
    "DECLINE_INVERSE_OFFERS",
    "REVIVE",
    "KILL",
    "SHUTDOWN",
    "ACKNOWLEDGE",
    "ACKNOWLEDGE_OPERATION_STATUS",
    "RECONCILE",
    "RECONCILE_OPERATIONS",
    "MESSAGE",
    "REQUEST",
    "SUPPRESS",
)


def as_id(value: Id) -> dict[str, str]:
    """``"abc"`` or ``{"value": "abc"}`` -> ``{"value": "abc"}``."""
    if isinstance(value, Mapping):
        if not isinstance(value.get("value"), str):
            raise ValueError(f"an id object needs a string 'value', got {dict(value)!r}")
        return {"value": value["value"]}
    if not isinstance(value, str) or not value:
        raise ValueError(f"an id must be a non-empty string, got {value!r}")
    return {"value": value}


def as_filters(filters: float | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``5`` -> ``{"refuse_seconds": 5.0}``; a mapping is passed through."""
    if filters is None:
        return None
    if isinstance(filters, Mapping):
        return dict(filters)
    return {"refuse_seconds": float(filters)}


def _with_filters(payload: dict[str, Any], filters: float | Mapping[str, Any] | None) -> dict:
    converted = as_filters(filters)
    if converted is not None:
        payload["filters"] = converted
    return payload


def subscribe(framework: FrameworkInfo, framework_id: str | None) -> CallSpec:
    """SUBSCRIBE (re-subscribing when ``framework_id`` is known)."""
    return "SUBSCRIBE", {"framework_info": framework.to_json(framework_id)}


def teardown() -> CallSpec:
    """TEARDOWN: remove the framework and kill all its tasks."""
    return "TEARDOWN", None


def accept(
    offer_ids: Sequence[Id],
    operations: Sequence[Mapping[str, Any]],
    filters: float | Mapping[str, Any] | None = None,
) -> CallSpec:
    """ACCEPT offers with raw ``Offer.Operation`` objects."""
    if not offer_ids:
        raise ValueError("ACCEPT needs at least one offer id")
    payload = {"offer_ids": [as_id(i) for i in offer_ids], "operations": list(operations)}
    return "ACCEPT", _with_filters(payload, filters)


def launch_operation(task_infos: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A LAUNCH operation for ACCEPT."""
    return {"type": "LAUNCH", "launch": {"task_infos": list(task_infos)}}


def launch_group_operation(
    executor: Mapping[str, Any], task_infos: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """A LAUNCH_GROUP operation (a task group run by one default executor)."""
    return {
        "type": "LAUNCH_GROUP",
        "launch_group": {"executor": dict(executor), "task_group": {"tasks": list(task_infos)}},
    }


def decline(offer_ids: Sequence[Id], filters: float | Mapping[str, Any] | None = None) -> CallSpec:
    """DECLINE offers, optionally refusing them for ``filters`` seconds."""
    if not offer_ids:
        raise ValueError("DECLINE needs at least one offer id")
    return "DECLINE", _with_filters({"offer_ids": [as_id(i) for i in offer_ids]}, filters)


def accept_inverse_offers(
    inverse_offer_ids: Sequence[Id], filters: float | Mapping[str, Any] | None = None
) -> CallSpec:
    """ACCEPT_INVERSE_OFFERS."""
    payload = {"inverse_offer_ids": [as_id(i) for i in inverse_offer_ids]}
    return "ACCEPT_INVERSE_OFFERS", _with_filters(payload, filters)


def decline_inverse_offers(
    inverse_offer_ids: Sequence[Id], filters: float | Mapping[str, Any] | None = None
) -> CallSpec:
    """DECLINE_INVERSE_OFFERS."""
    payload = {"inverse_offer_ids": [as_id(i) for i in inverse_offer_ids]}
    return "DECLINE_INVERSE_OFFERS", _with_filters(payload, filters)


def revive(roles: Sequence[str] = ()) -> CallSpec:
    """REVIVE: remove filters (for ``roles``, or all roles)."""
    return "REVIVE", ({"roles": list(roles)} if roles else None)


def suppress(roles: Sequence[str] = ()) -> CallSpec:
    """SUPPRESS: stop receiving offers (for ``roles``, or all roles)."""
    return "SUPPRESS", ({"roles": list(roles)} if roles else None)


def kill(
    task_id: Id, agent_id: Id | None = None, kill_policy: Mapping[str, Any] | None = None
) -> CallSpec:
    """KILL a task."""
    payload: dict[str, Any] = {"task_id": as_id(task_id)}
    if agent_id is not None:
        payload["agent_id"] = as_id(agent_id)
    if kill_policy is not None:
        payload["kill_policy"] = dict(kill_policy)
    return "KILL", payload


def shutdown(executor_id: Id, agent_id: Id) -> CallSpec:
    """SHUTDOWN an executor."""
    return "SHUTDOWN", {"executor_id": as_id(executor_id), "agent_id": as_id(agent_id)}


def acknowledge(agent_id: Id, task_id: Id, uuid: str) -> CallSpec:
    """ACKNOWLEDGE a status update; ``uuid`` is the base64 text from ``TaskStatus.uuid``."""
    _check_base64(uuid)
    return "ACKNOWLEDGE", {"agent_id": as_id(agent_id), "task_id": as_id(task_id), "uuid": uuid}


def acknowledge_operation_status(
    uuid: str, operation_id: Id, agent_id: Id | None = None, resource_provider_id: Id | None = None
) -> CallSpec:
    """ACKNOWLEDGE_OPERATION_STATUS for an operation status update."""
    _check_base64(uuid)
    payload: dict[str, Any] = {"uuid": uuid, "operation_id": as_id(operation_id)}
    if agent_id is not None:
        payload["agent_id"] = as_id(agent_id)
    if resource_provider_id is not None:
        payload["resource_provider_id"] = as_id(resource_provider_id)
    return "ACKNOWLEDGE_OPERATION_STATUS", payload


def reconcile(tasks: Iterable[tuple[Id, Id | None]] = ()) -> CallSpec:
    """RECONCILE: explicit for ``(task_id, agent_id)`` pairs, implicit when empty."""
    entries = []
    for task_id, agent_id in tasks:
        entry: dict[str, Any] = {"task_id": as_id(task_id)}
        if agent_id is not None:
            entry["agent_id"] = as_id(agent_id)
        entries.append(entry)
    return "RECONCILE", {"tasks": entries}


def reconcile_operations(operations: Iterable[Mapping[str, Any]] = ()) -> CallSpec:
    """RECONCILE_OPERATIONS with raw ``Operation`` entries (implicit when empty)."""
    return "RECONCILE_OPERATIONS", {"operations": [dict(op) for op in operations]}


def message(agent_id: Id, executor_id: Id, data: bytes) -> CallSpec:
    """MESSAGE: send ``data`` to an executor (base64 on the wire)."""
    return "MESSAGE", {
        "agent_id": as_id(agent_id),
        "executor_id": as_id(executor_id),
        "data": base64.b64encode(data).decode("ascii"),
    }


def request(requests: Sequence[Mapping[str, Any]]) -> CallSpec:
    """REQUEST resources (``Request`` objects; the built-in allocator ignores them)."""
    return "REQUEST", {"requests": [dict(r) for r in requests]}


def _check_base64(uuid: str) -> None:
    try:
        base64.b64decode(uuid, validate=True)
    except (ValueError, TypeError):
        raise ValueError("uuid must be the base64 text from the status update") from None


def update_acknowledgement(status: Mapping[str, Any]) -> CallSpec | None:
    """The ACKNOWLEDGE an UPDATE's ``status`` needs, or None when it has no ``uuid``."""
    uuid = status.get("uuid")
    agent_id = status.get("agent_id")
    if not uuid or not agent_id:
        return None
    return acknowledge(agent_id, status["task_id"], uuid)
