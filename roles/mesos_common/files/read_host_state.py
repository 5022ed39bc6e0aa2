"""Print the state of managed paths and Debian packages as JSON, in one call.

Runs on the managed host as ``python3 -c <this file> SPEC`` (stdlib only), SPEC being JSON
``{"paths": [...], "follow": [...], "dirs": [...], "packages": [...], "units": [...]}`` (each
key optional). Prints ``{"files": {path: state}, "dirs": {dir: {name: content}}, "packages":
[installed names], "units": {unit: properties}}`` (a dir's entries as files/read_flag_dir.py
reads them; the systemd properties LoadState, ActiveState, UnitFileState, NeedDaemonReload);
a state is ``{"state": "absent"}``, ``{"state": "link"}``,
``{"state": "other"}``, ``{"state": "directory", "mode", "owner", "group"}`` or
``{"state": "file", "mode", "owner", "group", "sha1"}``. Paths in ``follow`` are read through a
symlink (as ``copy: follow: true`` writes them). The roles compare each state with the one they
want and run a task only where the two differ, so a converge that changes nothing reads every
managed file in one round trip. This file is identical in the zookeeper and mesos_common roles.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import stat
import subprocess
import sys


def _name(lookup, ident: int) -> str:
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def path_state(path: str, follow: bool) -> dict:
    """What is at ``path``: its type and, for a file or directory, mode, owner and group."""
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return {"state": "absent"}
    if stat.S_ISLNK(info.st_mode):
        return {"state": "link"}
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return {"state": "other"}
    state = {
        "state": "directory" if stat.S_ISDIR(info.st_mode) else "file",
        "mode": f"{stat.S_IMODE(info.st_mode):04o}",
        "owner": _name(pwd.getpwuid, info.st_uid),
        "group": _name(grp.getgrgid, info.st_gid),
    }
    if state["state"] == "file":
        digest = hashlib.sha1()  # compared with Ansible's hash("sha1")
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 16), b""):
                    digest.update(block)
        except OSError:
            return {"state": "other"}
        state["sha1"] = digest.hexdigest()
    return state


def dir_contents(directory: str) -> dict[str, str | None]:
    """``{name: content}`` of every entry of ``directory``; null for anything not a text file."""
    entries: dict[str, str | None] = {}
    if not os.path.isdir(directory):
        return entries
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        entries[name] = None
        if os.path.isfile(path) and not os.path.islink(path):
            try:
                with open(path, encoding="utf-8") as handle:
                    entries[name] = handle.read()
            except (OSError, UnicodeDecodeError):
                entries[name] = None
    return entries


def installed_packages(names: list[str]) -> list[str]:
    """The subset of ``names`` dpkg lists as installed ("ii")."""
    if not names:
        return []
    try:
        out = subprocess.run(
            ["dpkg-query", "--show", "--showformat=${db:Status-Abbrev} ${Package}\n", *names],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted(
        {line.split()[-1] for line in out.splitlines() if line.startswith("ii ")} & set(names)
    )


UNIT_PROPERTIES = ("LoadState", "ActiveState", "UnitFileState", "NeedDaemonReload")


def unit_states(units: list[str]) -> dict[str, dict[str, str]]:
    """``systemctl show`` of ``units`` (names without .service); {} where systemctl fails."""
    if not units:
        return {}
    try:
        out = subprocess.run(
            ["systemctl", "show", "--property=Id," + ",".join(UNIT_PROPERTIES)]
            + [unit + ".service" for unit in units],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    states = {}
    for block in out.split("\n\n"):
        props = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        name = props.pop("Id", "").removesuffix(".service")
        if name in units:
            states[name] = props
    return states


def read_host_state(spec: dict) -> dict:
    follow = set(spec.get("follow", []))
    paths = [*spec.get("paths", []), *follow]
    return {
        "files": {path: path_state(path, path in follow) for path in paths},
        "dirs": {directory: dir_contents(directory) for directory in spec.get("dirs", [])},
        "packages": installed_packages(spec.get("packages", [])),
        "units": unit_states(spec.get("units", [])),
    }


print(json.dumps(read_host_state(json.loads(sys.argv[1]))))
