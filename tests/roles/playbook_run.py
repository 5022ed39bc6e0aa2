"""Run the mesos roles' task files against this machine in check mode, and read the results.

Only check mode and argument validation run here: nothing a test starts may change the host.
The results come from the ansible.posix.json callback, diffs included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PLAYBOOK_TIMEOUT = 240


@dataclass
class PlaybookRun:
    """One ansible-playbook run: exit code, raw output and the JSON callback's tasks."""

    returncode: int
    stdout: str
    stderr: str
    tasks: list[dict[str, Any]] = field(default_factory=list)

    def results(self, name: str, host: str = "checkhost") -> list[dict[str, Any]]:
        """The result of every task called ``name`` (role prefix ignored, loops flattened)."""
        found = []
        for task in self.tasks:
            if task["task"]["name"].split(" : ", 1)[-1] != name:
                continue
            result = task["hosts"].get(host)
            if result is None:
                continue
            found.extend(result.get("results") or [result])
        assert found, (
            f"no task named {name!r} ran; tasks: {[t['task']['name'] for t in self.tasks]}"
        )
        return found

    def result(self, name: str, host: str = "checkhost") -> dict[str, Any]:
        """The result of the single task called ``name``."""
        results = self.results(name, host)
        assert len(results) == 1, f"{name!r} ran {len(results)} times"
        return results[0]

    def after(self, name: str, host: str = "checkhost") -> dict[str, str]:
        """{dest: content} a copy/template task would write (from its diff)."""
        written = {}
        for result in self.results(name, host):
            args = result.get("invocation", {}).get("module_args", {})
            diffs = result.get("diff") or []
            for diff in diffs if isinstance(diffs, list) else [diffs]:
                if "after" in diff:
                    written[str(args.get("dest") or diff.get("after_header"))] = diff["after"]
        return written


def run_playbook(
    tmp_path: Path, inventory: dict, plays: list, *extra: str, env: dict | None = None
) -> PlaybookRun:
    """Write ``inventory`` and ``plays`` under ``tmp_path`` and run them in check mode."""
    inventory_path = tmp_path / "inventory.yml"
    playbook_path = tmp_path / "playbook.yml"
    inventory_path.write_text(yaml.safe_dump(inventory))
    playbook_path.write_text(yaml.safe_dump(plays, sort_keys=False))
    env = {**os.environ, **(env or {})}
    env.update(
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_ROLES_PATH=str(REPO / "roles"),
        ANSIBLE_CACHE_PLUGIN="memory",
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
        ANSIBLE_NOCOLOR="1",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    completed = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "--check",
            "--diff",
            "-i",
            str(inventory_path),
            str(playbook_path),
            *extra,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=PLAYBOOK_TIMEOUT,
        check=False,
    )
    tasks: list[dict[str, Any]] = []
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        report = {}
    for play in report.get("plays", []):
        tasks.extend(play.get("tasks", []))
    return PlaybookRun(completed.returncode, completed.stdout, completed.stderr, tasks)


def local_inventory(zookeeper_port: int, **host_vars: Any) -> dict:
    """This machine as every group's only host (connection local), ZooKeeper on loopback."""
    host = {
        "ansible_connection": "local",
        "ansible_host": "127.0.0.1",
        "ansible_python_interpreter": sys.executable,
        **host_vars,
    }
    return {
        "all": {
            "children": {
                "zookeeper": {"hosts": {"zkhost": {"ansible_host": "127.0.0.1"}}},
                "mesos_masters": {"hosts": {"checkhost": host}},
                "mesos_agents": {"hosts": {"checkhost": host}},
            },
            "vars": {"mesos_common_zookeeper_port": zookeeper_port},
        }
    }


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves a directory; remembers request paths instead of logging them."""

    requests: list[tuple[str, str]]

    def log_message(self, format: str, *args: Any) -> None:
        self.requests.append((self.command, self.path))


@contextmanager
def file_server(directory: Path) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yield (base URL, request log)."""
    log: list[tuple[str, str]] = []
    handler = type("Handler", (_QuietHandler,), {"requests": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
