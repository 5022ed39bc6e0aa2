# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OperatorClient: the master's operator API (``POST /api/v1``).

Answers are ``{"type": "GET_STATE", "get_state": {...}}``; the methods return the inner
object. Leader handling (307, 503) is the same as for the scheduler API.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from .errors import AuthenticationFailed, CallRejected, MesosError
from .leader import LeaderLocator, make_locator, send_to_leader
from .requests_import import requests
from .transport import Credentials, Transport

OPERATOR_PATH = "/api/v1"


class OperatorClient:
    """Operator API calls against the leading master.

    Args:
        masters: as for :class:`~mesos_client.scheduler.SchedulerSession`.
        credentials: HTTP Basic principal/secret, or None.
        ca_path: CA bundle for https masters (verification is always on).
        timeout: seconds a call may take, leader search and retries included.
    """

    def __init__(
        self,
        masters: str | Sequence[str],
        *,
        credentials: Credentials | None = None,
        ca_path: str | None = None,
        timeout: float = 15.0,
        connect_timeout: float = 5.0,
        scheme: str = "http",
    ) -> None:
        self.timeout = timeout
        self._locator: LeaderLocator = make_locator(masters, scheme=scheme)
        self._http = Transport(credentials, ca_path, connect_timeout, timeout)
        self.leader_url: str | None = None

    def call(
        self, call_type: str, payload: dict[str, Any] | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send one operator call; return the answer's inner object (``{}`` if empty)."""
        body: dict[str, Any] = {"type": call_type}
        if payload is not None:
            body[call_type.lower()] = payload
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)

        def send(url: str) -> requests.Response:
            remaining = max(0.1, deadline - time.monotonic())
            return self._http.post(url + OPERATOR_PATH, body, read_timeout=remaining)

        url, response = send_to_leader(self._locator, send, deadline, call_type)
        self.leader_url = url
        with response:
            status, text = response.status_code, response.text
        if status not in (200, 202):
            error = AuthenticationFailed if status in (401, 403) else CallRejected
            raise error(status, self._http.redact(text.strip()[:2000]), call_type)
        if not text.strip():
            return {}
        try:
            answer = json.loads(text)
        except ValueError:
            raise MesosError(f"{call_type}: the master's answer is not JSON") from None
        if not isinstance(answer, dict):
            raise MesosError(f"{call_type}: the master's answer is not a JSON object")
        inner = answer.get(call_type.lower(), {})
        return inner if isinstance(inner, dict) else {}

    def get_health(self) -> bool:
        """GET_HEALTH: whether the master reports itself healthy."""
        return bool(self.call("GET_HEALTH").get("healthy", False))

    def get_version(self) -> dict[str, Any]:
        """GET_VERSION: ``version_info`` (version, build details)."""
        return self.call("GET_VERSION").get("version_info", {})

    def get_state(self) -> dict[str, Any]:
        """GET_STATE: tasks, executors, frameworks and agents."""
        return self.call("GET_STATE")

    def get_agents(self) -> list[dict[str, Any]]:
        """GET_AGENTS: registered agents (``agent_info``, resources, ...)."""
        return list(self.call("GET_AGENTS").get("agents", []))

    def get_frameworks(self) -> list[dict[str, Any]]:
        """GET_FRAMEWORKS: active and inactive frameworks."""
        return list(self.call("GET_FRAMEWORKS").get("frameworks", []))

    def get_tasks(self) -> list[dict[str, Any]]:
        """GET_TASKS: the tasks the master knows (``tasks`` plus completed ones)."""
        answer = self.call("GET_TASKS")
        tasks: list[dict[str, Any]] = []
        for key in ("pending_tasks", "tasks", "unreachable_tasks", "completed_tasks"):
            tasks.extend(answer.get(key, []))
        return tasks

    def get_master(self) -> dict[str, Any]:
        """GET_MASTER: ``{"master_info": {...}, "start_time": ..., "elected_time": ...}``."""
        return self.call("GET_MASTER")

    def teardown(self, framework_id: str) -> None:
        """TEARDOWN a framework (kills its tasks)."""
        self.call("TEARDOWN", {"framework_id": {"value": framework_id}})

    def close(self) -> None:
        """Release connections (and a ZooKeeper session)."""
        self._http.close()
        self._locator.close()

    def __enter__(self) -> OperatorClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
