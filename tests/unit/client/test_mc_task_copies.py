"""task_copies: finding the copies of one logical task, the one to keep, the leftovers."""

from __future__ import annotations

import re
from typing import Any

from mesos_client import (
    copies_of,
    fresh_task_id,
    latest,
    live,
    pick_keeper,
    task_id_prefix,
    unacknowledged_terminal,
)

FW = "fw-0000"


def task(
    task_id: str,
    state: str = "TASK_RUNNING",
    *,
    name: str = "web",
    framework: str = FW,
    running_at: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    statuses = [{"state": "TASK_STARTING", "timestamp": (running_at or 0.0) - 0.5}]
    if running_at is not None:
        statuses.append({"state": "TASK_RUNNING", "timestamp": running_at})
    return {
        "task_id": {"value": task_id},
        "framework_id": {"value": framework},
        "agent_id": {"value": "agent-1"},
        "name": name,
        "state": state,
        "statuses": statuses if running_at is not None else [],
        **extra,
    }


def ids(tasks: list[dict[str, Any]]) -> list[str]:
    return [t["task_id"]["value"] for t in tasks]


def test_fresh_ids_are_prefixed_by_the_safe_name_and_differ() -> None:
    first, second = fresh_task_id("my web/app"), fresh_task_id("my web/app")
    assert re.fullmatch(r"my-web-app\.[0-9a-f]{8}", first), first
    assert first != second
    assert task_id_prefix("  ") == "task"


def test_copies_are_found_by_name_within_the_framework() -> None:
    listed = [
        task("web.1"),
        task("web.2", "TASK_LOST"),
        task("web.3", framework="other"),
        task("web.4", name="webby"),
    ]
    assert ids(copies_of(listed, FW, "web")) == ["web.1", "web.2"]


def test_an_explicit_id_finds_by_id_whatever_the_name() -> None:
    listed = [task("pinned", name="renamed"), task("web.1")]
    assert ids(copies_of(listed, FW, "web", task_id="pinned")) == ["pinned"]


def test_live_copies() -> None:
    listed = [
        task("a"),
        task("b", "TASK_KILLING"),
        task("c", "TASK_FAILED"),
        task("d", "TASK_STAGING"),
    ]
    assert ids(live(listed)) == ["a", "d"]
    assert ids(live(listed, frozenset({"TASK_KILLING"}))) == ["b"]


def test_a_copy_listed_twice_is_one_live_copy() -> None:
    assert ids(live([task("a"), task("a"), task("b")])) == ["a", "b"]


def test_latest_is_the_copy_with_the_newest_status() -> None:
    old, new = task("web.1", "TASK_LOST", running_at=100.0), task("web.2", running_at=50.0)
    new["statuses"].append({"state": "TASK_FAILED", "timestamp": 300.0})
    assert latest([new, old]) is new
    assert latest([]) is None


def test_keeper_is_the_copy_running_longest() -> None:
    older, newer = task("web.b", running_at=100.0), task("web.a", running_at=200.0)
    assert pick_keeper([newer, older]) is older


def test_keeper_prefers_running_then_the_requested_spec() -> None:
    staging = task("web.0", "TASK_STAGING")
    old_spec = task("web.1", running_at=100.0, spec="old")
    new_spec = task("web.2", running_at=200.0, spec="new")
    assert pick_keeper([staging, old_spec, new_spec], lambda t: t.get("spec") == "new") is new_spec
    assert pick_keeper([staging, old_spec]) is old_spec


def test_keeper_without_timestamps_is_decided_by_id_and_none_without_copies() -> None:
    assert ids([pick_keeper([task("web.z"), task("web.y")])]) == ["web.y"]
    assert pick_keeper([]) is None


def test_every_unacknowledged_terminal_copy_is_a_leftover() -> None:
    listed = [
        task("web.1", "TASK_LOST", status_update_uuid="u1"),
        task("web.2", "TASK_KILLED", status_update_uuid="u2"),
        task("web.3", "TASK_RUNNING", status_update_uuid="u3"),
        task("web.4", "TASK_FAILED"),
    ]
    assert ids(unacknowledged_terminal(listed)) == ["web.1", "web.2"]
