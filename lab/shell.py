"""Running host commands with bounded time and one-line errors."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

from lab.errors import LabError

SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def command_env() -> dict[str, str]:
    """The environment for host tools: ours, with the sbin directories on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{env.get('PATH', '')}:{SBIN_PATH}".strip(":")
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def which(program: str) -> str | None:
    """Full path of `program`, also looking in the sbin directories."""
    return shutil.which(program, path=command_env()["PATH"])


def run(
    cmd: Sequence[str],
    *,
    input_text: str | None = None,
    timeout: float = 60,
    check: bool = True,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `cmd` capturing output; raise LabError on a missing program, timeout or failure."""
    try:
        result = subprocess.run(
            list(cmd),
            input=input_text,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**command_env(), **(extra_env or {})},
            check=False,
        )
    except FileNotFoundError as exc:
        raise LabError(f"{cmd[0]} is not installed; run `python -m lab host-deps` as root") from exc
    except OSError as exc:
        raise LabError(f"cannot run {cmd[0]}: {exc.strerror}") from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"`{' '.join(cmd)}` did not finish within {timeout:.0f} s") from exc
    if check and result.returncode != 0:
        raise LabError(f"`{' '.join(cmd)}` failed (exit {result.returncode}): {last_line(result)}")
    return result


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    """The most telling line of a failed command's output."""
    for stream in (result.stderr, result.stdout):
        lines = [line.strip() for line in (stream or "").splitlines() if line.strip()]
        if lines:
            return lines[-1]
    return "no output"
