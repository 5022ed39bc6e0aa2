"""Removing one machine's files leaves every other machine's files alone."""

import os

import pytest

from lab import aptcache, machine
from lab.errors import LabError
from lab.paths import LabPaths


@pytest.fixture
def paths(tmp_path):
    return LabPaths(home=tmp_path / "home", cache=tmp_path / "cache")


def make_machine_files(paths, name):
    (paths.machine_dir(name) / "etc").mkdir(parents=True)
    (paths.machines_dir / f".{name}.partial-42" / "usr").mkdir(parents=True)
    (paths.machines_dir / f".#{name}.lck").write_text("")
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    for suffix in (".json", ".log", ".known_hosts"):
        paths.run_dir.joinpath(name + suffix).write_text("x")
    own = aptcache.machine_archives(paths.apt_archives, name)
    own.mkdir(parents=True)
    (own / f"{name}-pkg_1_all.deb").write_bytes(b"deb")


def test_remove_files_takes_everything_of_one_machine_and_keeps_its_downloads(paths):
    make_machine_files(paths, "t-a")
    make_machine_files(paths, "t-ab")  # a name with the first as prefix
    removed = machine.remove_files(paths, "t-a")
    assert paths.machine_dir("t-a") not in paths.machines_dir.iterdir()
    assert sorted(p.name for p in paths.machines_dir.iterdir()) == [
        ".#t-ab.lck",
        ".t-ab.partial-42",
        "t-ab",
    ]
    assert sorted(p.name for p in paths.run_dir.iterdir()) == [
        "t-ab.json",
        "t-ab.known_hosts",
        "t-ab.log",
    ]
    assert (aptcache.pool(paths.apt_archives) / "t-a-pkg_1_all.deb").read_bytes() == b"deb"
    assert not aptcache.machine_archives(paths.apt_archives, "t-a").exists()
    assert len(removed) == 7  # root fs, apt dir, partial copy, lock, 3 run files
    assert machine.remove_files(paths, "t-a") == []


def test_nspawn_runtime_files_name_the_image_lock_by_inode(tmp_path):
    directory = tmp_path / "m"
    directory.mkdir()
    stat = os.stat(directory)
    files = machine.nspawn_runtime_files(directory, "m", run=tmp_path / "run")
    assert files == [
        tmp_path / "run/propagate/m",
        tmp_path / f"run/locks/inode-{stat.st_dev}:{stat.st_ino}",
    ]
    assert machine.nspawn_runtime_files(tmp_path / "gone", "g", run=tmp_path) == [
        tmp_path / "propagate/g"
    ]


def test_refuses_to_delete_through_a_mount_point(tmp_path):
    with open("/proc/self/mounts") as mounts:
        mount_points = [line.split()[1] for line in mounts]
    parent = next((m for m in mount_points if m.count("/") >= 2), None)
    if parent is None:
        pytest.skip("no nested mount point on this host")
    with pytest.raises(LabError, match="still mounted"):
        machine.refuse_if_mounted(type(tmp_path)(parent).parent)
