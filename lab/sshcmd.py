"""`lab ssh NAME [-- COMMAND...]`: a shell or a command on a lab machine as root."""

from __future__ import annotations

import os
import sys

from lab.errors import LabError
from lab.network import require_lab_address
from lab.paths import LabPaths
from lab.sshkey import ssh_command
from lab.state import MachineRecord, all_records


def find_machine(records: list[MachineRecord], name: str) -> MachineRecord:
    """The record for machine `name`, or for inventory host `name` if exactly one matches."""
    exact = [r for r in records if r.name == name]
    if exact:
        return exact[0]
    by_host = [r for r in records if r.host == name]
    if len(by_host) == 1:
        return by_host[0]
    known = ", ".join(sorted(r.name for r in records)) or "none"
    if by_host:
        raise LabError(f"{name!r} is ambiguous; use one of {', '.join(r.name for r in by_host)}")
    raise LabError(f"no lab machine named {name!r} (machines: {known})")


def ssh(paths: LabPaths, name: str, command: list[str]) -> int:
    """Replace this process with ssh to the machine."""
    record = find_machine(all_records(paths), name)
    require_lab_address(record.address)
    tty = ["-t"] if not command and sys.stdin.isatty() else []
    argv = ssh_command(paths.ssh_key, record.address, paths.known_hosts(record.name), *command)
    argv = [argv[0], *tty, *argv[1:]]
    os.execvp(argv[0], argv)
    return 0  # not reached
