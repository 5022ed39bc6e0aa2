# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The state of managed paths, directories, Debian packages and systemd units, read at once.

The roles compare each state with the one they want and run a task only where the two differ,
so a converge that changes nothing reads everything it manages in one round trip. A state is
``{"state": "absent"}``, ``{"state": "link"}``, ``{"state": "other"}``,
``{"state": "directory", "mode", "owner", "group"}`` or
``{"state": "file", "mode", "owner", "group", "sha1"}``; everything that a file, copy or
template task would correct (type, content, mode, owner, group, presence) shows in it.

``run`` is how commands run (``AnsibleModule.run_command``): ``run(argv) -> (rc, out, err)``.
A missing command (no dpkg, no systemd) reads as nothing installed, no unit known.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import stat

UNIT_PROPERTIES = ("LoadState", "ActiveState", "UnitFileState", "NeedDaemonReload")


def _name(lookup, ident):
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def _sha1(path):
    digest = hashlib.sha1()  # compared with Ansible's hash("sha1") of what the role writes
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def path_state(path, follow=False):
    """What is at ``path``; read through a symlink when ``follow`` (as ``copy: follow`` writes)."""
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
        "mode": format(stat.S_IMODE(info.st_mode), "04o"),
        "owner": _name(pwd.getpwuid, info.st_uid),
        "group": _name(grp.getgrgid, info.st_gid),
    }
    if state["state"] == "file":
        try:
            state["sha1"] = _sha1(path)
        except OSError:
            return {"state": "other"}
    return state


def dir_contents(directory):
    """``{name: content}`` of every entry of ``directory``; None for anything not a text file."""
    entries = {}
    try:
        names = sorted(os.listdir(directory)) if os.path.isdir(directory) else []
    except OSError:
        return entries
    for name in names:
        path = os.path.join(directory, name)
        entries[name] = None
        if os.path.isfile(path) and not os.path.islink(path):
            try:
                with open(path, encoding="utf-8") as handle:
                    entries[name] = handle.read()
            except (OSError, UnicodeDecodeError):
                entries[name] = None
    return entries


def installed_packages(names, run, dpkg_query):
    """The subset of ``names`` dpkg lists as installed ("ii"); a versioned name never is."""
    if not names or not dpkg_query:
        return []
    argv = [dpkg_query, "--show", "--showformat=${db:Status-Abbrev} ${Package}\n"]
    _rc, out, _err = run(argv + list(names))
    installed = {line.split()[-1] for line in out.splitlines() if line.startswith("ii ")}
    return sorted(installed & set(names))


def unit_states(units, run, systemctl):
    """``systemctl show`` of ``units`` (names without .service); {} without systemctl."""
    if not units or not systemctl:
        return {}
    argv = [systemctl, "show", "--property=Id," + ",".join(UNIT_PROPERTIES)]
    _rc, out, _err = run(argv + [unit + ".service" for unit in units])
    states = {}
    for block in out.split("\n\n"):
        props = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        name = props.pop("Id", "")
        if name.endswith(".service"):
            name = name[: -len(".service")]
        if name in units:
            states[name] = props
    return states


def read_host_state(spec, run, commands):
    """Everything ``spec`` (paths, follow, dirs, packages, units: lists) asks for, in one dict;
    ``commands`` maps dpkg-query and systemctl to their paths (None where missing)."""
    files = {path: path_state(path) for path in spec["paths"]}
    files.update((path, path_state(path, follow=True)) for path in spec["follow"])
    return {
        "files": files,
        "dirs": {directory: dir_contents(directory) for directory in spec["dirs"]},
        "packages": installed_packages(spec["packages"], run, commands.get("dpkg-query")),
        "units": unit_states(spec["units"], run, commands.get("systemctl")),
    }
