"""What the agent tracks about the tasks it runs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class TaskRunner(Protocol):
    """What the agent needs of whatever runs a task (executor.CommandTask runs commands)."""

    process: asyncio.subprocess.Process | None

    async def kill(self, grace: float, send_killing: bool) -> None:
        """Stop the task: SIGTERM, ``grace`` seconds, SIGKILL."""


TERMINAL_STATES = frozenset(
    {
        "TASK_FINISHED",
        "TASK_FAILED",
        "TASK_KILLED",
        "TASK_LOST",
        "TASK_ERROR",
        "TASK_DROPPED",
        "TASK_GONE",
    }
)


@dataclass
class AgentTask:
    """One task on this agent (command task; executor id = task id)."""

    framework_id: str
    framework_info: dict
    info: dict
    resources: list[dict]
    container_id: str
    sandbox: Path
    state: str = "TASK_STAGING"
    statuses: list[dict] = field(default_factory=list)
    runner: TaskRunner | None = None
    last_uuid: str | None = None
    last_update_state: str | None = None

    @property
    def task_id(self) -> str:
        """The task id value."""
        return self.info["task_id"]["value"]

    @property
    def key(self) -> tuple[str, str]:
        """(framework id, task id)."""
        return (self.framework_id, self.task_id)

    @property
    def terminal(self) -> bool:
        """True once the task reached a terminal state."""
        return self.state in TERMINAL_STATES

    @property
    def role(self) -> str:
        """The role its resources were allocated to."""
        for resource in self.resources:
            role = (resource.get("allocation_info") or {}).get("role")
            if role:
                return role
        return "*"
