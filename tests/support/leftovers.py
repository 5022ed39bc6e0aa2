"""Processes a test session left behind: any whose command line, working directory or
environment names one of the given directories (a cluster's temp dir: masters and agents
have it in their flags, executors and tasks run in sandboxes under it and get MESOS_SANDBOX).
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterable
from pathlib import Path


def _mentions(pid: str, prefixes: list[bytes]) -> bytes | None:
    """The process's command line if it (or its cwd or environment) names a prefix."""
    proc = Path("/proc") / pid
    try:
        cmdline = (proc / "cmdline").read_bytes()
        cwd = os.fsencode(os.readlink(proc / "cwd")).removesuffix(b" (deleted)")
        texts = [cmdline, cwd + b"/"]
        with contextlib.suppress(OSError):
            texts.append((proc / "environ").read_bytes())
    except OSError:
        return None  # gone, or not ours to read
    if any(prefix in text for prefix in prefixes for text in texts):
        return cmdline.replace(b"\0", b" ").strip() or b"?"
    return None


def processes_under(directories: Iterable[Path]) -> dict[int, str]:
    """``{pid: command line}`` of every live process that names one of ``directories``."""
    prefixes = [os.fsencode(str(Path(d).resolve())) + b"/" for d in directories]
    if not prefixes:
        return {}
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        cmdline = _mentions(entry.name, prefixes)
        if cmdline is not None:
            found[int(entry.name)] = cmdline.decode(errors="replace")[:200]
    return found


def kill_all(pids: Iterable[int]) -> None:
    """SIGKILL each pid (gone already is fine)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
