"""Read-only checks of what a module run left on the (simulated) cluster."""

from __future__ import annotations

import urllib.request

from mesos_client import OperatorClient

from tests.support.wait import wait_until

LIVE_STATES = {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"}


def tasks_named(operator: OperatorClient, name: str) -> list[dict]:
    """Every task (live or completed) with that TaskInfo name (mesos_task's ``name``; each
    copy has an id of its own)."""
    return [t for t in operator.get_tasks() if t["name"] == name]


def live_tasks(operator: OperatorClient, name: str) -> list[dict]:
    """Tasks with that name that are staging, starting or running."""
    return [t for t in tasks_named(operator, name) if t["state"] in LIVE_STATES]


def frameworks_named(operator: OperatorClient, name: str) -> list[dict]:
    """Registered (not torn down) frameworks with that name."""
    return [f for f in operator.get_frameworks() if f["framework_info"]["name"] == name]


def wait_for_task_state(operator: OperatorClient, name: str, states: set[str], timeout=30.0):
    """Wait until a task with that name is in one of ``states``; return it."""

    def reached() -> dict | None:
        return next((t for t in tasks_named(operator, name) if t["state"] in states), None)

    return wait_until(reached, timeout, 0.1, f"task {name} in {sorted(states)}")


def http_body(url: str, timeout: float = 15.0) -> str:
    """GET ``url`` (loopback only) until it answers 200; return the body."""
    assert url.startswith("http://127."), f"tests only talk to loopback, not {url}"

    def fetch() -> str | None:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode(errors="replace") if response.status == 200 else None

    return wait_until(fetch, timeout, 0.1, f"HTTP 200 from {url}")
