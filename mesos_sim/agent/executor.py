"""Running a command task for real: ``/bin/sh -c`` in its sandbox, its own process group,
stdout/stderr files; exit -> FINISHED/FAILED; kill -> SIGTERM, grace period, SIGKILL -> KILLED.
Worded like Mesos's command executor (src/launcher/executor.cpp)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from typing import Optional

from ..aio import spawn
from .model import AgentTask

log = logging.getLogger(__name__)

DEFAULT_GRACE_SECONDS = 3.0
StatusCallback = Callable[[AgentTask, str, Optional[str], Optional[str]], None]


def wait_status_text(returncode: int) -> str:
    """WSTRINGIFY: ``exited with status 1`` or ``terminated with signal Killed``."""
    if returncode < 0:
        name = signal.strsignal(-returncode) or f"signal {-returncode}"
        return f"terminated with signal {name}"
    return f"exited with status {returncode}"


def command_argv(command: dict) -> list[str]:
    """The argv Mesos would exec for a CommandInfo."""
    if command.get("shell", True):
        return ["/bin/sh", "-c", command.get("value", "")]
    arguments = list(command.get("arguments", []))
    return [command.get("value", ""), *arguments[1:]] if arguments else [command["value"]]


def grace_seconds(kill_policy: dict | None) -> float:
    """KillPolicy.grace_period in seconds (default 3 s, the command executor's)."""
    grace = (kill_policy or {}).get("grace_period")
    if grace is None:
        return DEFAULT_GRACE_SECONDS
    return max(0.0, int(grace.get("nanoseconds", 0)) / 1e9)


class CommandTask:
    """The process of one command task."""

    def __init__(self, task: AgentTask, env: dict[str, str], on_status: StatusCallback) -> None:
        self.task = task
        self.env = env
        self.on_status = on_status
        self.process: asyncio.subprocess.Process | None = None
        self.killed = False
        self.done = asyncio.Event()

    async def start(self) -> None:
        """Spawn the command; report STARTING and RUNNING (or FAILED if it cannot start)."""
        task = self.task
        command = task.info["command"]
        try:
            task.sandbox.mkdir(parents=True, exist_ok=True)
            with (
                open(task.sandbox / "stdout", "ab") as out,
                open(task.sandbox / "stderr", "ab") as err,
            ):
                self.on_status(task, "TASK_STARTING", None, None)
                self.process = await asyncio.create_subprocess_exec(
                    *command_argv(command),
                    cwd=str(task.sandbox),
                    env=self.env,
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                )
        except OSError as exc:
            self.done.set()
            self.on_status(
                task,
                "TASK_FAILED",
                f"Failed to launch container: {exc}",
                "REASON_CONTAINER_LAUNCH_FAILED",
            )
            return
        log.info("Started task %s (pid %d) in %s", task.task_id, self.process.pid, task.sandbox)
        self.on_status(task, "TASK_RUNNING", None, None)
        spawn(self._wait(), f"wait {task.task_id}")

    async def _wait(self) -> None:
        assert self.process is not None
        returncode = await self.process.wait()
        self._signal_group(signal.SIGKILL)  # whatever the command left behind
        if self.killed:
            state = "TASK_KILLED"
        elif returncode == 0:
            state = "TASK_FINISHED"
        else:
            state = "TASK_FAILED"
        message = f"Command {wait_status_text(returncode)}"
        log.info("%s (task %s, pid %d)", message, self.task.task_id, self.process.pid)
        self.done.set()
        self.on_status(self.task, state, message, None)

    def _signal_group(self, sig: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    async def kill(self, grace: float, send_killing: bool) -> None:
        """SIGTERM the process group, wait ``grace`` seconds, then SIGKILL."""
        if self.killed or self.done.is_set():
            return
        self.killed = True
        if send_killing:
            self.on_status(self.task, "TASK_KILLING", None, None)
        self._signal_group(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.done.wait(), grace)
        except TimeoutError:
            log.info("Task %s did not exit within %.1fs; sending SIGKILL", self.task.task_id, grace)
            self._signal_group(signal.SIGKILL)
            await self.done.wait()
