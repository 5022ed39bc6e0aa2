"""Run the real `ansible` / `ansible-playbook` CLIs against localhost and parse their results.

Results come from the JSON stdout callback, so tests see exactly what a user's run returns
(``changed``, ``failed``, ``msg``, the module's return values, ``diff``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RUN_TIMEOUT = 180.0
COLLECTION = "mesoslab.mesos"


def fqcn(module: str) -> str:
    """How users name our modules: ``mesos_task`` -> ``mesoslab.mesos.mesos_task``."""
    return f"{COLLECTION}.{module}" if module.startswith("mesos_") else module


@dataclass
class AnsibleRun:
    """Outcome of one CLI run: exit code, parsed JSON and the raw streams."""

    returncode: int
    output: dict[str, Any]
    stdout: str
    stderr: str
    seconds: float

    def results(self, host: str = "localhost") -> list[dict[str, Any]]:
        """Every task result for ``host``, in order."""
        found = []
        for play in self.output.get("plays", []):
            for task in play.get("tasks", []):
                if host in task.get("hosts", {}):
                    found.append(task["hosts"][host])
        return found

    @property
    def result(self) -> dict[str, Any]:
        """The last task result for localhost (the module's, in an ad hoc run)."""
        results = self.results()
        if not results:
            raise AssertionError(f"no task result in the run:\n{self.describe()}")
        return results[-1]

    def stats(self, host: str = "localhost") -> dict[str, int]:
        """The play recap counters for ``host``."""
        return self.output.get("stats", {}).get(host, {})

    def describe(self) -> str:
        """Everything useful for a failure message."""
        return (
            f"rc={self.returncode} after {self.seconds:.1f}s\n"
            f"stdout:\n{self.stdout[-6000:]}\nstderr:\n{self.stderr[-3000:]}"
        )


def ok(run: AnsibleRun) -> dict[str, Any]:
    """The run's module result, asserting it did not fail."""
    result = run.result
    assert not result.get("failed"), run.describe()
    return result


def ansible_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the CLIs: the project's ansible.cfg, JSON output, no stray MESOS_MASTER."""
    # Only the JSON on stdout: no callbacks enabled from outside (molecule's profile_tasks
    # prints its recap after the JSON).
    dropped = {"MESOS_MASTER", "ANSIBLE_CALLBACKS_ENABLED"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    env.update(extra or {})
    return env


def _run(
    argv: list[str], env: dict[str, str] | None, timeout: float, wrapper: list[str] | None = None
) -> AnsibleRun:
    started = time.monotonic()
    process = subprocess.run(
        [*(wrapper or []), *argv],
        cwd=str(REPO_ROOT),
        env=ansible_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    seconds = time.monotonic() - started
    try:
        output = json.loads(process.stdout) if process.stdout.strip() else {}
    except ValueError:
        output = {}
    return AnsibleRun(process.returncode, output, process.stdout, process.stderr, seconds)


def adhoc(
    module: str,
    args: dict[str, Any] | str | None = None,
    *,
    check: bool = False,
    diff: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = RUN_TIMEOUT,
    hosts: str = "localhost",
    inventory: str | None = None,
    extra_vars: dict[str, Any] | None = None,
    wrapper: list[str] | None = None,
) -> AnsibleRun:
    """``ansible HOSTS -m MODULE -a ARGS`` (ARGS as JSON when given a dict), our modules by FQCN.

    ``wrapper`` is a command the CLI runs under (``unshare ... --``), for a changed view of
    the host the module runs on.
    """
    argv = [str(BIN / "ansible"), hosts, "-m", fqcn(module)]
    if inventory:
        argv += ["-i", inventory]
    if extra_vars:
        argv += ["-e", json.dumps(extra_vars)]
    if args:
        argv += ["-a", json.dumps(args) if isinstance(args, dict) else args]
    if check:
        argv.append("--check")
    if diff:
        argv.append("--diff")
    return _run(argv, env, timeout, wrapper)


def playbook(
    path: Path | str,
    *,
    extra_vars: dict[str, Any] | None = None,
    inventory: str | None = None,
    check: bool = False,
    env: dict[str, str] | None = None,
    timeout: float = RUN_TIMEOUT,
) -> AnsibleRun:
    """``ansible-playbook PATH`` with extra vars given as JSON."""
    argv = [str(BIN / "ansible-playbook"), str(path)]
    if inventory:
        argv += ["-i", inventory]
    if extra_vars:
        argv += ["-e", json.dumps(extra_vars)]
    if check:
        argv.append("--check")
    return _run(argv, env, timeout)
