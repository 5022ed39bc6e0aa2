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
    """Run `argv` detached (see module docstring); return its pid once it has exec'd.

    The program keeps the pipe's write end, which is close-on-exec, until its exec: the read
    below ends only then, so the caller never sees the pid while it still runs Python.
    """
    read_end, write_end = os.pipe()
    leader = os.fork()
    if leader == 0:  # the short-lived session leader
        try:
            os.close(read_end)
            os.setsid()
            program = os.fork()
            if program == 0:
                _exec(argv, log, env, keep_fd=write_end)
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


def _exec(argv: Sequence[str], log: Path, env: Mapping[str, str], keep_fd: int) -> None:
    """In the detached child: stdio to /dev/null and the log, then exec (never returns).

    `keep_fd` (close-on-exec) stays open until the exec closes it, telling the parent.
    """
    try:
        stdin = os.open(os.devnull, os.O_RDONLY)
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(stdin, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, keep_fd)
        os.closerange(keep_fd + 1, 1024)
        os.execve(argv[0], list(argv), dict(env))
    finally:
        os._exit(EXEC_FAILED)
