"""The master's records of frameworks, agents, offers and tasks."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field

from ..resources import Resources
from .stream import EventStream

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
    }
)


@dataclass
class Task:
    """A task the master knows (launched through an offer or reported by an agent)."""

    info: dict
    framework_id: str
    agent_id: str
    role: str
    resources: Resources
    state: str = "TASK_STAGING"
    statuses: list[dict] = field(default_factory=list)
    status_update_state: str | None = None
    status_update_uuid: str | None = None

    @property
    def task_id(self) -> str:
        """The task's id value."""
        return self.info["task_id"]["value"]

    @property
    def terminal(self) -> bool:
        """True once the task reached a terminal state."""
        return self.state in TERMINAL_STATES


@dataclass
class Offer:
    """An outstanding offer of one agent's resources to one framework."""

    offer_id: str
    framework_id: str
    agent_id: str
    resources: Resources
    role: str
    created: float = field(default_factory=time.time)
    timer: asyncio.TimerHandle | None = None


@dataclass
class Agent:
    """A registered (or unreachable) agent."""

    agent_id: str
    hostname: str
    port: int
    endpoint: str
    total: Resources
    attributes: list[dict]
    registered_time: float = field(default_factory=time.time)
    reregistered_time: float | None = None
    active: bool = True
    unreachable_time: float | None = None
    tasks: dict[tuple[str, str], Task] = field(default_factory=dict)
    ping_misses: int = 0
    pinged: bool = False
    ping_error: str | None = None
    version: str = "1.11.0"

    @property
    def pid(self) -> str:
        """libprocess pid of the agent, as Mesos shows it."""
        return f"slave(1)@{self.endpoint}"

    def used(self) -> Resources:
        """Resources held by the agent's non-terminal tasks."""
        total = Resources()
        for task in self.tasks.values():
            if not task.terminal:
                total = total + task.resources
        return total


@dataclass
class Framework:
    """A subscribed (or disconnected, awaiting failover) framework."""

    framework_id: str
    info: dict
    principal: str | None = None
    stream: EventStream | None = None
    registered_time: float = field(default_factory=time.time)
    reregistered_time: float | None = None
    unregistered_time: float | None = None
    active: bool = True
    suppressed: bool = False
    tasks: dict[str, Task] = field(default_factory=dict)
    unreachable_tasks: dict[str, Task] = field(default_factory=dict)
    completed_tasks: deque = field(default_factory=lambda: deque(maxlen=1000))
    offers: dict[str, Offer] = field(default_factory=dict)
    filters: dict = field(default_factory=dict)
    failover_timer: asyncio.TimerHandle | None = None
    recovered: bool = False

    @property
    def connected(self) -> bool:
        """True while the framework's event stream is open."""
        return self.stream is not None and not self.stream.closed

    @property
    def capabilities(self) -> set[str]:
        """FrameworkInfo capability type names."""
        return {c.get("type") for c in self.info.get("capabilities", []) if c.get("type")}

    @property
    def partition_aware(self) -> bool:
        """True with the PARTITION_AWARE capability (TASK_UNREACHABLE/GONE/DROPPED)."""
        return "PARTITION_AWARE" in self.capabilities

    @property
    def roles(self) -> list[str]:
        """The framework's roles (MULTI_ROLE ``roles`` or the old ``role``)."""
        if "MULTI_ROLE" in self.capabilities:
            return list(self.info.get("roles") or [])
        return [self.info.get("role") or "*"]

    @property
    def failover_timeout(self) -> float:
        """Seconds a disconnected framework is kept (default 0)."""
        return float(self.info.get("failover_timeout") or 0.0)

    def add_unreachable_task(self, task: Task, limit: int) -> None:
        """Keep ``task`` among the unreachable ones; the oldest go beyond ``limit``
        (``--max_unreachable_tasks_per_framework``, a bounded map in Mesos)."""
        self.unreachable_tasks.pop(task.task_id, None)
        self.unreachable_tasks[task.task_id] = task
        while len(self.unreachable_tasks) > max(0, limit):
            del self.unreachable_tasks[next(iter(self.unreachable_tasks))]

    def forget_completed_task(self, task_id: str) -> None:
        """Drop completed entries of ``task_id`` (a task that came back as live)."""
        kept = [t for t in self.completed_tasks if t.task_id != task_id]
        if len(kept) != len(self.completed_tasks):
            self.completed_tasks.clear()
            self.completed_tasks.extend(kept)

    def send(self, event: dict) -> None:
        """Queue an event on the framework's stream (dropped when disconnected)."""
        if self.stream is not None and not self.stream.closed:
            self.stream.send(event)
