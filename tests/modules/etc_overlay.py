"""Run a command with extra files under /etc that only it sees, the host's /etc untouched.

The command runs in a private mount namespace (``unshare --mount``) in which /etc is an
overlay whose upper layer holds the files; the namespace, and with it the overlay, goes away
with the command. This is how the modules' defaults read from the target host
(``/etc/default/mesos``, ``/etc/mesos/zk``, ``/etc/mesos/ssl/ca.pem``) are tested for real.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

MOUNT = (
    'mount -t overlay mesos-lab-test -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc '
    '&& shift 2 && exec "$@"'
)


def overlay_unavailable() -> str | None:
    """Why an /etc overlay cannot be made here (None when it can)."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot make a mount namespace: {probe.stderr.decode(errors='replace').strip()}"
    return None


def etc_overlay(workdir: Path, files: dict[str, str]) -> list[str]:
    """The command prefix running a command with ``files`` (paths relative to /etc) added."""
    upper, work = workdir / "upper", workdir / "work"
    work.mkdir(parents=True)
    for relative, text in files.items():
        path = upper / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return [
        "unshare", "--mount", "--propagation", "private",
        "sh", "-c", MOUNT, "etc-overlay", str(upper), str(work),
    ]  # fmt: skip
