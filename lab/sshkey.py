"""The lab's SSH key and the ssh command line that uses it."""

from __future__ import annotations

from pathlib import Path

from lab import shell


def ensure_key(key: Path) -> str:
    """Generate the ed25519 key once; return the public key text."""
    if not key.exists():
        key.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shell.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mesos-lab", "-f", str(key)]
        )
    return key.with_suffix(".pub").read_text()


def ssh_command(key: Path, address: str, known_hosts: Path | None, *command: str) -> list[str]:
    """ssh as root to `address` with the lab key; strict host keys when `known_hosts` exists."""
    if known_hosts is not None and known_hosts.exists():
        checking = ["-o", "StrictHostKeyChecking=yes", "-o", f"UserKnownHostsFile={known_hosts}"]
    else:
        checking = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"]
    return [
        "ssh",
        "-i",
        str(key),
        "-o",
        "BatchMode=yes",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "ConnectTimeout=3",
        "-o",
        "LogLevel=ERROR",
        *checking,
        f"root@{address}",
        *command,
    ]
