"""Framework lifecycle: SUBSCRIBE (new, failover, re-subscribe after master failover),
disconnection with failover_timeout, TEARDOWN."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from typing import TYPE_CHECKING

from .model import Framework
from .stream import EventStream

if TYPE_CHECKING:
    from .allocator import Allocator
    from .state import MasterState
    from .tasks import TaskService

log = logging.getLogger(__name__)

MAX_FAILOVER_SECONDS = 2**63 / 1e9


def _role_error(role: str) -> str | None:
    if role == "":
        return "Role names cannot be the empty string"
    if role.startswith("/"):
        return f"Role '{role}' cannot start with a slash"
    if role.endswith("/"):
        return f"Role '{role}' cannot end with a slash"
    if "//" in role:
        return f"Role '{role}' cannot contain two adjacent slashes"
    if role == "*":
        return None
    for component in role.split("/"):
        if component in (".", "..", "*"):
            return f"Role '{role}' cannot include '{component}' as a component"
        if component.startswith("-") or re.search(r"[\s\x00-\x1f\x7f]", component):
            return (
                f"Role component '{component}' is invalid because it contains "
                "backspace or whitespace"
            )
    return None


def validate_framework_info(info: dict, removed: set[str], root_allowed: bool) -> str | None:
    """validation::framework::validate plus the master's own checks; the error or None."""
    multi_role = any(c.get("type") == "MULTI_ROLE" for c in info.get("capabilities", []))
    if multi_role:
        if "role" in info:
            return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable"
        roles = info.get("roles", [])
        duplicates = sorted({r for r in roles if roles.count(r) > 1})
        if duplicates:
            return (
                "'FrameworkInfo.roles' contains duplicate items: { " + ", ".join(duplicates) + " }"
            )
        for role in roles:
            error = _role_error(role)
            if error:
                return f"'FrameworkInfo.roles' contains invalid role: {error}"
    else:
        if info.get("roles"):
            return (
                "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable"
            )
        error = _role_error(info.get("role", "*"))
        if error:
            return f"'FrameworkInfo.role' is not a valid role: {error}"
    timeout = info.get("failover_timeout", 0.0)
    if timeout < 0 or timeout > MAX_FAILOVER_SECONDS or math.isnan(timeout):
        return f"The framework failover_timeout ({timeout:g}) is invalid"
    if info.get("user") == "root" and not root_allowed:
        return "User 'root' is not allowed to run frameworks without --root_submissions set"
    framework_id = (info.get("id") or {}).get("value")
    if framework_id and framework_id in removed:
        return "Framework has been removed"
    return None


class FrameworkService:
    """Subscriptions and framework removal."""

    def __init__(self, state: MasterState, allocator: Allocator, task_service: TaskService) -> None:
        self.state = state
        self.allocator = allocator
        self.task_service = task_service

    def subscribe(self, stream: EventStream, subscribe: dict, principal: str | None) -> None:
        """Handle a validated SUBSCRIBE on a freshly opened stream."""
        state = self.state
        info = dict(subscribe["framework_info"])
        if principal is not None and "principal" not in info:
            info["principal"] = principal
        error = validate_framework_info(
            info, state.removed_framework_ids, bool(state.flags.root_submissions)
        )
        if error:
            log.info("Refusing subscription of framework '%s': %s", info.get("name"), error)
            stream.send({"type": "ERROR", "error": {"message": error}})
            stream.close()
            return
        framework_id = (info.get("id") or {}).get("value")
        framework = state.frameworks.get(framework_id) if framework_id else None
        if framework is not None:
            self._failover(framework, info, stream)
        else:
            if not framework_id:
                framework_id = state.new_framework_id()
                info["id"] = {"value": framework_id}
                state.metrics["master/messages_register_framework"] += 1
            else:
                state.metrics["master/messages_reregister_framework"] += 1
            framework = Framework(framework_id=framework_id, info=info, stream=stream)
            framework.principal = info.get("principal")
            if subscribe.get("suppressed_roles"):
                framework.suppressed = set(subscribe["suppressed_roles"]) >= set(framework.roles)
            state.frameworks[framework_id] = framework
            self.task_service.adopt_tasks(framework)
            log.info("Added framework %s (%s)", framework_id, info.get("name"))
        framework.send(
            {
                "type": "SUBSCRIBED",
                "subscribed": {
                    "framework_id": {"value": framework.framework_id},
                    "heartbeat_interval_seconds": state.heartbeat_interval,
                    "master_info": state.master_info(),
                },
            }
        )
        framework.send({"type": "HEARTBEAT"})
        self.allocator.request_allocation()

    def _failover(self, framework: Framework, info: dict, stream: EventStream) -> None:
        old = framework.stream
        if old is not None and not old.closed:
            old.send({"type": "ERROR", "error": {"message": "Framework failed over"}})
            old.close()
        if framework.failover_timer is not None:
            framework.failover_timer.cancel()
            framework.failover_timer = None
        # A failed-over scheduler does not know the old offers; take them back silently.
        self.allocator.rescind_where(framework_id=framework.framework_id, send=False)
        framework.info = info
        framework.stream = stream
        framework.active = True
        framework.reregistered_time = time.time()
        framework.unregistered_time = None
        self.state.metrics["master/messages_reregister_framework"] += 1
        log.info("Framework %s failed over", framework.framework_id)
        self.task_service.framework_failed_over(framework)

    def stream_closed(self, stream: EventStream) -> None:
        """A subscription's stream ended: deactivate its framework, maybe tear it down."""
        for framework in list(self.state.frameworks.values()):
            if framework.stream is stream:
                self._disconnected(framework)

    def _disconnected(self, framework: Framework) -> None:
        framework.stream = None
        framework.active = False
        framework.unregistered_time = time.time()
        self.allocator.rescind_where(framework_id=framework.framework_id, send=False)
        timeout = framework.failover_timeout
        log.info(
            "Framework %s disconnected; failover timeout %.3fs", framework.framework_id, timeout
        )
        if timeout <= 0:
            self.remove(framework)
            return
        framework.failover_timer = asyncio.get_running_loop().call_later(
            min(timeout, 10**9), self._failover_timed_out, framework.framework_id
        )

    def _failover_timed_out(self, framework_id: str) -> None:
        framework = self.state.frameworks.get(framework_id)
        if framework is not None and not framework.connected:
            log.info("Framework %s failover timeout elapsed", framework_id)
            self.remove(framework)

    def remove(self, framework: Framework) -> None:
        """TEARDOWN: kill its tasks, drop its offers, close its stream, keep it as completed."""
        state = self.state
        if framework.failover_timer is not None:
            framework.failover_timer.cancel()
            framework.failover_timer = None
        self.allocator.rescind_where(framework_id=framework.framework_id, send=False)
        self.task_service.remove_framework_tasks(framework)
        state.frameworks.pop(framework.framework_id, None)
        state.removed_framework_ids.add(framework.framework_id)
        framework.active = False
        framework.unregistered_time = framework.unregistered_time or time.time()
        stream, framework.stream = framework.stream, None
        if stream is not None:
            stream.close()
        state.completed_frameworks.append(framework)
        self.allocator.request_allocation()
        log.info("Removed framework %s", framework.framework_id)
