"""files/read_host_state.py: the one read that lets the roles skip tasks that change nothing.

A task is skipped only when this read equals the state the role wants, so every difference a
task would correct (content, mode, owner, group, type, presence) must show in the read. The
script runs here as on a managed host (python3 -c), on real files and the real dpkg database.
"""

from __future__ import annotations

import grp
import hashlib
import json
import os
import pwd
import subprocess
import sys

from .playbook_run import REPO

SCRIPT = REPO / "roles/mesos_common/files/read_host_state.py"
COPY = REPO / "roles/zookeeper/files/read_host_state.py"
USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


def read(spec: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.read_text(), json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


def test_both_roles_ship_the_same_script():
    assert COPY.read_bytes() == SCRIPT.read_bytes()


def test_a_file_reads_as_its_content_mode_owner_and_group(tmp_path):
    path = tmp_path / "zk"
    path.write_text("zk://192.168.33.10:2181/mesos\n")
    path.chmod(0o640)
    state = read({"paths": [str(path)]})["files"][str(path)]
    assert state == {
        "state": "file",
        "mode": "0640",
        "owner": USER,
        "group": GROUP,
        "sha1": hashlib.sha1(path.read_bytes()).hexdigest(),
    }


def test_every_change_a_task_would_correct_shows_in_the_read(tmp_path):
    path = tmp_path / "zk"
    path.write_text("a\n")
    path.chmod(0o644)
    first = read({"paths": [str(path)]})["files"][str(path)]
    path.write_text("b\n")
    second = read({"paths": [str(path)]})["files"][str(path)]
    path.chmod(0o600)
    third = read({"paths": [str(path)]})["files"][str(path)]
    assert first != second != third
    assert {first["sha1"], second["sha1"]} == {
        hashlib.sha1(b"a\n").hexdigest(),
        hashlib.sha1(b"b\n").hexdigest(),
    }
    assert third["mode"] == "0600"


def test_directories_links_and_missing_paths(tmp_path):
    (tmp_path / "dir").mkdir(mode=0o750)
    (tmp_path / "dir").chmod(0o750)
    (tmp_path / "target").write_text("1\n")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    spec = {
        "paths": [str(tmp_path / "dir"), str(tmp_path / "link"), str(tmp_path / "missing")],
        "follow": [str(tmp_path / "followed")],
    }
    (tmp_path / "followed").symlink_to(tmp_path / "target")
    files = read(spec)["files"]
    assert files[str(tmp_path / "dir")] == {
        "state": "directory",
        "mode": "0750",
        "owner": USER,
        "group": GROUP,
    }
    # A link where a file is wanted differs; read through (copy: follow) it is the target.
    assert files[str(tmp_path / "link")] == {"state": "link"}
    assert files[str(tmp_path / "missing")] == {"state": "absent"}
    assert files[str(tmp_path / "followed")]["sha1"] == hashlib.sha1(b"1\n").hexdigest()


def test_a_directory_reads_as_its_entries(tmp_path):
    flags = tmp_path / "mesos-agent"
    flags.mkdir()
    (flags / "port").write_text("5051")
    (flags / "attributes").mkdir()
    read_dirs = read({"dirs": [str(flags), str(tmp_path / "none")]})["dirs"]
    assert read_dirs == {
        str(flags): {"attributes": None, "port": "5051"},
        str(tmp_path / "none"): {},
    }


def test_only_installed_packages_are_listed():
    names = ["dpkg", "no-such-package-mesos-lab", "dpkg=0.0"]
    assert read({"packages": names})["packages"] == ["dpkg"]
