# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Copies of one logical task in a framework: find them, pick the one to keep, spot leftovers.

A long-running task is relaunched under a fresh task id each time (Mesos refuses an id that an
unreachable task still holds), so "the task" is every task of the framework with its name. When
an unreachable agent comes back, Mesos re-adds its copy as running, and two copies may run; the
caller keeps the one :func:`pick_keeper` chooses and kills the others.

Everything here works on v1 ``Task`` dicts as GET_TASKS lists them; nothing does I/O.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

LIVE_STATES = frozenset({"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"})
KILLABLE_STATES = LIVE_STATES | {"TASK_KILLING"}
TERMINAL_STATES = frozenset(
    {
        "TASK_FINISHED",
        "TASK_FAILED",
        "TASK_KILLED",
        "TASK_LOST",
        "TASK_ERROR",
        "TASK_DROPPED",
        "TASK_GONE",
        "TASK_GONE_BY_OPERATOR",
        "TASK_UNKNOWN",
    }
)
TASK_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
SUFFIX_LENGTH = 8

Task = Mapping[str, Any]


def _value(obj: Mapping[str, Any], key: str) -> str | None:
    return (obj.get(key) or {}).get("value")


def task_id_prefix(name: str) -> str:
    """``name`` with every character outside ``[A-Za-z0-9._-]`` replaced by ``-``."""
    return TASK_ID_UNSAFE.sub("-", name.strip()) or "task"


def fresh_task_id(name: str) -> str:
    """A task id no earlier copy used: ``<name>.<8 hex digits>``."""
    return f"{task_id_prefix(name)}.{uuid.uuid4().hex[:SUFFIX_LENGTH]}"


def copies_of(
    tasks: Iterable[Task], framework_id: str, name: str, task_id: str | None = None
) -> list[Task]:
    """Every task of ``framework_id`` with TaskInfo name ``name`` (or, when ``task_id`` is
    given, with that id), in the order GET_TASKS listed them."""
    if task_id is not None:
        return [
            t
            for t in tasks
            if _value(t, "framework_id") == framework_id and _value(t, "task_id") == task_id
        ]
    return [t for t in tasks if _value(t, "framework_id") == framework_id and t.get("name") == name]


def live(copies: Iterable[Task], states: frozenset[str] = LIVE_STATES) -> list[Task]:
    """The copies in one of ``states`` (staging, starting, running by default), each task id
    once (the first entry listed for it)."""
    found: dict[str | None, Task] = {}
    for task in copies:
        if task.get("state") in states:
            found.setdefault(_value(task, "task_id"), task)
    return list(found.values())


def started_at(task: Task) -> float:
    """When the copy first ran: the timestamp of its first TASK_RUNNING status (else of its
    first status; +inf when it has none, so a copy of unknown age never counts as oldest)."""
    statuses = [s for s in task.get("statuses") or [] if isinstance(s, Mapping)]
    running = [s for s in statuses if s.get("state") == "TASK_RUNNING"]
    for status in running[:1] or statuses[:1]:
        stamp = status.get("timestamp")
        if isinstance(stamp, (int, float)):
            return float(stamp)
    return float("inf")


def pick_keeper(copies: Iterable[Task], spec_matches: Any = None) -> Task | None:
    """The copy to keep among live ``copies``: TASK_RUNNING before staging or starting, then
    one whose spec ``spec_matches(task)`` says is the requested one, then the one that has run
    longest, then the smallest task id (so every run picks the same one)."""

    def rank(task: Task) -> tuple[bool, bool, float, str]:
        matches = bool(spec_matches(task)) if spec_matches else True
        return (
            task.get("state") != "TASK_RUNNING",
            not matches,
            started_at(task),
            _value(task, "task_id") or "",
        )

    ordered = sorted(copies, key=rank)
    return ordered[0] if ordered else None


def latest(copies: Iterable[Task]) -> Task | None:
    """The copy whose last status is the newest (what "the task" was most recently)."""

    def last_stamp(task: Task) -> float:
        stamps = [
            float(s["timestamp"])
            for s in task.get("statuses") or []
            if isinstance(s, Mapping) and isinstance(s.get("timestamp"), (int, float))
        ]
        return max(stamps, default=float("-inf"))

    ordered = list(copies)
    return max(ordered, key=last_stamp) if ordered else None


def unacknowledged_terminal(copies: Iterable[Task]) -> list[Task]:
    """Copies whose terminal status update still waits for an acknowledgement.

    Pass entries of GET_TASKS's ``tasks`` list only: Mesos keeps a terminal task there (and its
    id taken) until the update is acknowledged, then moves it to ``completed_tasks``, where it
    keeps its last ``status_update_uuid``. Every such copy is returned, not just the newest.
    """
    return [t for t in copies if t.get("status_update_uuid") and t.get("state") in TERMINAL_STATES]
