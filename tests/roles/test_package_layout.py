"""The package flavor finds what a Mesos package installed (files/mesos_layout.py).

Each case is a fake installation: a root file system and a dpkg database (status and file
lists) made here, read by the real dpkg-query. AVENTER's layout ships the wrapper and the
units; a plain Apache build (shared/mesos/*.deb) ships neither, and files the role installed
itself belong to no package, so they do not count as shipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .playbook_run import REPO

SCRIPT = REPO / "roles/mesos_common/files/mesos_layout.py"
AVENTER_FILES = [
    "/usr/bin/mesos-master",
    "/usr/bin/mesos-agent",
    "/usr/bin/mesos-init-wrapper",
    "/lib/systemd/system/mesos-master.service",
    "/lib/systemd/system/mesos-agent.service",
]
APACHE_BUILD_FILES = ["/usr/sbin/mesos-master", "/usr/sbin/mesos-agent", "/usr/bin/mesos-execute"]
# What the role adds for a package without them: present, owned by no package.
ROLE_FILES = [
    "/usr/bin/mesos-init-wrapper",
    "/etc/systemd/system/mesos-master.service",
    "/etc/systemd/system/mesos-agent.service",
]


def install(tmp_path: Path, package: str, owned: list[str], unowned: list[str] = ()) -> list[str]:
    root, admindir = tmp_path / "root", tmp_path / "dpkg"
    (admindir / "info").mkdir(parents=True)
    for path in [*owned, *unowned]:
        on_disk = root / path.lstrip("/")
        on_disk.parent.mkdir(parents=True, exist_ok=True)
        on_disk.write_text("#!/bin/sh\n")
        on_disk.chmod(0o755)
    (admindir / "status").write_text(
        f"Package: {package}\nStatus: install ok installed\nPriority: optional\n"
        "Section: misc\nMaintainer: test\nArchitecture: amd64\nVersion: 1.0\n"
        "Description: fake Mesos\n\n"
    )
    directories = sorted({str(Path(p).parent) for p in owned})
    (admindir / "info" / f"{package}.list").write_text("\n".join([*directories, *owned]) + "\n")
    return ["--root", str(root), "--admindir", str(admindir)]


def layout(args: list[str]) -> dict:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_aventers_package_ships_wrapper_and_units(tmp_path):
    found = layout(install(tmp_path, "aventer-mesos", AVENTER_FILES))
    assert found == {
        "daemons": {"master": "/usr/bin/mesos-master", "agent": "/usr/bin/mesos-agent"},
        "package": "aventer-mesos",
        "wrapper": "/usr/bin/mesos-init-wrapper",
        "units": {
            "master": "/lib/systemd/system/mesos-master.service",
            "agent": "/lib/systemd/system/mesos-agent.service",
        },
    }


@pytest.mark.parametrize("role_files", [[], ROLE_FILES], ids=["fresh", "role files present"])
def test_plain_apache_build_ships_neither(tmp_path, role_files):
    found = layout(install(tmp_path, "mesos", APACHE_BUILD_FILES, role_files))
    assert found == {
        "daemons": {"master": "/usr/sbin/mesos-master", "agent": "/usr/sbin/mesos-agent"},
        "package": "mesos",
        "wrapper": None,
        "units": {"master": None, "agent": None},
    }


def test_nothing_installed(tmp_path):
    found = layout(install(tmp_path, "unrelated", ["/usr/bin/true-ish"]))
    assert found["daemons"] == {"master": None, "agent": None}
    assert found["package"] is None
