"""Real ``ansible`` ad hoc runs of the project's modules from the controller, in the background.

A fault test starts ``ansible localhost -m mesos_task`` against the lab's ZooKeeper URL, breaks
something while the module waits, then collects the module's JSON result (JSON stdout callback).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faults_lab import REPO_ROOT

BIN = Path(sys.executable).parent


def ansible_env() -> dict[str, str]:
    """The project's ansible.cfg, JSON output, no MESOS_MASTER from the caller's shell."""
    env = {k: v for k, v in os.environ.items() if k != "MESOS_MASTER"}
    env.update(
        {
            "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


@dataclass
class ModuleResult:
    """A finished ad hoc run: exit code, the module's result, how long it took."""

    returncode: int
    result: dict[str, Any]
    seconds: float
    output: str

    def describe(self) -> str:
        """Everything useful in a failure message."""
        return f"rc={self.returncode} after {self.seconds:.1f}s\n{self.output[-6000:]}"


class BackgroundModule:
    """``ansible localhost -m MODULE -a ARGS`` started now, collected with :meth:`finish`."""

    def __init__(self, module: str, args: dict[str, Any]) -> None:
        self._output = tempfile.TemporaryFile(mode="w+")
        self.started = time.monotonic()
        argv = [
            str(BIN / "ansible"),
            "localhost",
            "-m",
            f"mesoslab.mesos.{module}",
            "-a",
            json.dumps(args),
        ]
        self._process = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=ansible_env(),
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def running(self) -> bool:
        """Whether the run has not finished yet."""
        return self._process.poll() is None

    def finish(self, timeout: float) -> ModuleResult:
        """Wait (bounded) for the run; on timeout kill it and raise AssertionError."""
        try:
            returncode = self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"the module run did not finish within {timeout:g}s") from None
        seconds = time.monotonic() - self.started
        self._output.seek(0)
        output = self._output.read()
        self._output.close()
        return ModuleResult(returncode, _module_result(output), seconds, output)

    def stop(self) -> None:
        """Kill the run if it still runs (teardown after a failed test)."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=30)
        if not self._output.closed:
            self._output.close()


def _module_result(output: str) -> dict[str, Any]:
    """The localhost result from the JSON callback's output ({} if there is none)."""
    start = output.find("{")
    try:
        document = json.loads(output[start:]) if start >= 0 else {}
    except ValueError:
        return {}
    for play in document.get("plays", []):
        for task in play.get("tasks", []):
            if "localhost" in task.get("hosts", {}):
                return task["hosts"]["localhost"]
    return {}


def run_module(module: str, args: dict[str, Any], timeout: float) -> ModuleResult:
    """Run a module to the end (bounded) and return its result."""
    return BackgroundModule(module, args).finish(timeout)
