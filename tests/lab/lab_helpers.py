"""Helpers for lab integration tests (a unique module name: conftest.py is not importable)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lab import processes
from lab.paths import LabPaths
from lab.shell import which

REPO = Path(__file__).resolve().parents[2]
INVENTORY = "inventories/labtest"
NAMES = ("labtest-master", "labtest-agent")
PATHS = LabPaths.from_env()


def lab_available() -> str | None:
    """None, or why lab tests cannot run here."""
    if os.geteuid() != 0:
        return "lab tests need root"
    if which("systemd-nspawn") is None:
        return "systemd-nspawn missing (python -m lab host-deps)"
    return None


def lab(
    *args: str, timeout: float = 600, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `python -m lab ARGS` from the repository root (`env` adds variables)."""
    result = subprocess.run(
        [sys.executable, "-m", "lab", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"lab {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def status() -> dict:
    """`lab status --json` for the labtest inventory."""
    return json.loads(lab("status", "-i", INVENTORY, "--json").stdout)


def machines_by_name() -> dict[str, dict]:
    return {m["name"]: m for m in status()["machines"]}


def in_machine(name: str, command: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a shell command in machine `name` over SSH (lab ssh)."""
    return lab("ssh", name, "--", command, timeout=timeout, check=False)


def labtest_processes() -> list[int]:
    """Every live nspawn or container init of a labtest machine (this home)."""
    pids = []
    for name in NAMES:
        pids += list(processes.nspawn_pids(name, PATHS.machines_dir))
        pids += list(processes.container_inits(name, PATHS.machines_dir))
    return pids


def other_lab_machines_alive() -> bool:
    """Whether machines of other labs share the bridge right now (then it must stay)."""
    found = {**processes.nspawn_pids(), **processes.container_inits()}
    return any(path.name not in NAMES for path in found.values())


def assert_labtest_gone() -> None:
    """No labtest process, directory or record; bridge and table gone unless others run."""
    assert labtest_processes() == []
    for name in NAMES:
        assert not PATHS.machine_dir(name).exists()
        assert not PATHS.record_file(name).exists()
        if PATHS.machines_dir.exists():
            assert not [p for p in PATHS.machines_dir.iterdir() if name in p.name]
    others = other_lab_machines_alive()
    assert Path("/sys/class/net/mlab0").exists() == others
    table = subprocess.run(
        ["nft", "list", "table", "inet", "mesos_lab"], capture_output=True, check=False
    )
    assert (table.returncode == 0) == others


def down_labtest() -> None:
    lab("down", "-i", INVENTORY, timeout=300)
