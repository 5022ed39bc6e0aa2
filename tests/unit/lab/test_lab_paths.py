"""State and cache locations."""

from pathlib import Path

from lab.paths import LabPaths


def test_defaults_follow_the_contract():
    paths = LabPaths.from_env({})
    assert paths.home == Path("/var/lib/mesos-lab")
    assert paths.cache == Path("/var/cache/mesos-lab")
    assert paths.ssh_key == Path("/var/lib/mesos-lab/ssh/id_ed25519")
    assert paths.machine_dir("seed-master") == Path("/var/lib/mesos-lab/machines/seed-master")
    assert paths.record_file("seed-master") == Path("/var/lib/mesos-lab/run/seed-master.json")
    assert paths.base_dir == Path("/var/cache/mesos-lab/base-bookworm")


def test_environment_overrides(tmp_path):
    paths = LabPaths.from_env({"MESOS_LAB_HOME": str(tmp_path / "h"), "MESOS_LAB_CACHE": "c"})
    assert paths.home == tmp_path / "h"
    assert paths.cache == Path.cwd() / "c"


def test_each_release_has_its_own_base():
    paths = LabPaths.from_env({})
    assert paths.base_dir_for("trixie") == Path("/var/cache/mesos-lab/base-trixie")
