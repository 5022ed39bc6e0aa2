"""Start a long-lived program fully detached: own session, not a process-group leader.

The program must outlive `lab up` (and the Ansible task or test that ran it), so it runs
in a new session with stdin from /dev/null and output to a log file. It is the *child* of
the session leader, which exits at once: its pid then never equals a process-group id,
so a stale `killpg(old_pid)` elsewhere on the host (after that pid was reused) cannot hit
it, and its group id stays reserved while it lives.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

EXEC_FAILED = 127


def spawn_detached(argv: Sequence[str], log: Path, env: Mapping[str, str]) -> int:
    """Run `argv` detached (see module docstring); return its pid once it has been forked."""
    read_end, write_end = os.pipe()
    leader = os.fork()
    if leader == 0:  # the short-lived session leader
        try:
            os.close(read_end)
            os.setsid()
            program = os.fork()
            if program == 0:
                _exec(argv, log, env)
            os.write(write_end, str(program).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        raw = b""
        while chunk := os.read(read_end, 32):
            raw += chunk
    finally:
        os.close(read_end)
        os.waitpid(leader, 0)
    if not raw:
        raise OSError(f"could not start {argv[0]}")
    return int(raw)


def _exec(argv: Sequence[str], log: Path, env: Mapping[str, str]) -> None:
    """In the detached child: point stdio at /dev/null and the log, then exec (never returns)."""
    try:
        stdin = os.open(os.devnull, os.O_RDONLY)
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(stdin, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, 1024)
        os.execve(argv[0], list(argv), dict(env))
    finally:
        os._exit(EXEC_FAILED)
