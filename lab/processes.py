"""Finding and signalling a machine's processes through /proc (no machined here)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from lab.constants import MACHINE_MARKER

PROC = Path("/proc")
HALT = signal.SIGRTMIN + 3  # systemd: halt; in a container that ends the container


def cmdline(pid: int, proc: Path = PROC) -> list[str] | None:
    """argv of `pid`, or None if it is gone or unreadable."""
    try:
        raw = (proc / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_alive(pid: int, proc: Path = PROC) -> bool:
    """True if `pid` exists and is not a zombie (our PID 1 may never reap it)."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return False
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X")


def is_nspawn_of(pid: int, name: str, proc: Path = PROC) -> bool:
    """True if `pid` is a live systemd-nspawn running machine `name` (guards against pid reuse)."""
    argv = cmdline(pid, proc)
    return (
        bool(argv)
        and Path(argv[0]).name == "systemd-nspawn"
        and f"--machine={name}" in argv
        and is_alive(pid, proc)
    )


def children(pid: int, proc: Path = PROC) -> list[int]:
    """Direct children of `pid`."""
    found: list[int] = []
    for task in (proc / str(pid) / "task").glob("*"):
        try:
            found.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _pids(proc: Path) -> list[int]:
    return [int(entry.name) for entry in proc.iterdir() if entry.name.isdigit()]


def _marked(value: str, name: str | None, machines_dir: Path | None) -> bool:
    """Whether a marker value (the machine's root directory) matches the filters."""
    path = Path(value)
    return (name is None or path.name == name) and (
        machines_dir is None or path.parent == machines_dir
    )


def nspawn_pids(
    name: str | None = None, machines_dir: Path | None = None, proc: Path = PROC
) -> dict[int, Path]:
    """Live systemd-nspawn processes the lab started: pid -> machine directory."""
    prefix = f"--setenv={MACHINE_MARKER}="
    found = {}
    for pid in _pids(proc):
        argv = cmdline(pid, proc)
        if not argv or Path(argv[0]).name != "systemd-nspawn":
            continue
        marker = next((a for a in argv if a.startswith(prefix)), None)
        if marker is None or not _marked(marker[len(prefix) :], name, machines_dir):
            continue
        if is_alive(pid, proc):
            found[pid] = Path(marker[len(prefix) :])
    return found


def container_inits(
    name: str | None = None, machines_dir: Path | None = None, proc: Path = PROC
) -> dict[int, Path]:
    """Live container init processes carrying the lab marker: pid -> machine directory."""
    prefix = f"{MACHINE_MARKER}=".encode()
    found = {}
    for pid in _pids(proc):
        try:
            environ = (proc / str(pid) / "environ").read_bytes()
        except OSError:
            continue
        for entry in environ.split(b"\0"):
            if entry.startswith(prefix):
                value = entry[len(prefix) :].decode(errors="replace")
                if _marked(value, name, machines_dir) and is_alive(pid, proc):
                    found[pid] = Path(value)
                break
    return found


def init_of(nspawn_pid: int, name: str, proc: Path = PROC) -> int | None:
    """The container's init: the child of systemd-nspawn that carries the marker."""
    inits = container_inits(name, proc=proc)
    for child in children(nspawn_pid, proc):
        if child in inits:
            return child
    return None


def send(pid: int, sig: int) -> None:
    """Signal `pid`; a process that already exited is fine."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return


def wait_gone(pids: list[int], timeout: float, proc: Path = PROC) -> list[int]:
    """Wait (bounded) until `pids` are dead; return the ones still alive."""
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if is_alive(pid, proc)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if is_alive(pid, proc)]
    return alive
