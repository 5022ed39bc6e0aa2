"""mesoslab.mesos.host_state_info: the one read that lets the roles skip tasks that change nothing.

A task is skipped only when this read equals the state the role wants, so every difference a
task would correct (content, mode, owner, group, type, presence) must show in the read. The
module runs here through the real `ansible` CLI, on real files and the real dpkg database.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd

from tests.modules.ansible_run import adhoc, ok

MODULE = "mesoslab.mesos.host_state_info"
USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


def read(spec: dict, **kwargs) -> dict:
    return ok(adhoc(MODULE, spec, **kwargs))


def test_a_file_reads_as_its_content_mode_owner_and_group(tmp_path):
    path = tmp_path / "zk"
    path.write_text("zk://192.168.33.10:2181/mesos\n")
    path.chmod(0o640)
    result = read({"paths": [str(path)]})
    assert result["changed"] is False
    assert result["files"][str(path)] == {
        "state": "file",
        "mode": "0640",
        "owner": USER,
        "group": GROUP,
        "sha1": hashlib.sha1(path.read_bytes()).hexdigest(),
    }


def test_every_change_a_task_would_correct_shows_in_the_read(tmp_path):
    first, second, third = (tmp_path / name for name in ("first", "second", "third"))
    first.write_text("a\n")
    second.write_text("b\n")
    third.write_text("b\n")
    for path in (first, second):
        path.chmod(0o644)
    third.chmod(0o600)
    files = read({"paths": [str(first), str(second), str(third)]})["files"]
    assert files[str(first)]["sha1"] == hashlib.sha1(b"a\n").hexdigest()
    assert files[str(second)]["sha1"] == hashlib.sha1(b"b\n").hexdigest()
    assert files[str(second)]["mode"] == "0644"
    assert files[str(third)]["mode"] == "0600"
    assert files[str(second)]["sha1"] == files[str(third)]["sha1"]


def test_directories_links_and_missing_paths(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir").chmod(0o750)
    (tmp_path / "target").write_text("1\n")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    (tmp_path / "followed").symlink_to(tmp_path / "target")
    spec = {
        "paths": [str(tmp_path / "dir"), str(tmp_path / "link"), str(tmp_path / "missing")],
        "follow": [str(tmp_path / "followed"), str(tmp_path / "dangling")],
    }
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
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
    assert files[str(tmp_path / "dangling")] == {"state": "absent"}


def test_a_directory_reads_as_its_entries(tmp_path):
    flags = tmp_path / "mesos-agent"
    flags.mkdir()
    (flags / "port").write_text("5051")
    (flags / "attributes").mkdir()
    (flags / "binary").write_bytes(b"\xff\xfe")
    (flags / "link").symlink_to(flags / "port")
    read_dirs = read({"dirs": [str(flags), str(tmp_path / "none")]})["dirs"]
    assert read_dirs == {
        str(flags): {"attributes": None, "binary": None, "link": None, "port": "5051"},
        str(tmp_path / "none"): {},
    }


def test_only_installed_packages_are_listed_and_check_mode_reads_the_same():
    names = ["dpkg", "no-such-package-mesos-lab", "dpkg=0.0"]
    assert read({"packages": names})["packages"] == ["dpkg"]
    assert read({"packages": names}, check=True)["packages"] == ["dpkg"]


def test_bad_input_is_a_clear_error_not_a_traceback():
    result = adhoc(MODULE, {"paths": [], "no_such_option": 1}).result
    assert result["failed"] is True
    assert "no_such_option" in result["msg"]
    assert "Traceback" not in str(result)
