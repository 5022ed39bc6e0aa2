"""Writable cgroup grants (host var lab_cgroups): where they go, the nspawn binds, teardown."""

from pathlib import Path

import pytest

from lab import cgroups
from lab.errors import LabError
from lab.inventory import specs_from_inventory


def fake_root(tmp_path: Path) -> Path:
    root = tmp_path / "cgroup"
    for controller in ("freezer", "pids", "memory"):
        (root / controller).mkdir(parents=True)
    return root


def test_grant_nests_below_our_own_cgroup(tmp_path, monkeypatch):
    proc = tmp_path / "cgroup-self"
    proc.write_text("6:freezer:/\n8:pids:/lab/outer\n4:memory:/x\n")
    monkeypatch.setattr(cgroups, "PROC_SELF_CGROUP", proc)
    root = fake_root(tmp_path)
    assert cgroups.grant_dir("freezer", "seed-agent", root) == root / "freezer/mesos-lab/seed-agent"
    assert (
        cgroups.grant_dir("pids", "seed-agent", root)
        == root / "pids/lab/outer/mesos-lab/seed-agent"
    )


def test_prepare_creates_the_subcgroups_and_binds_them_over_the_controllers(tmp_path):
    root = fake_root(tmp_path)
    binds = cgroups.prepare(("freezer", "pids"), "seed-agent", root)
    freezer = cgroups.grant_dir("freezer", "seed-agent", root)
    assert freezer.is_dir() and cgroups.grant_dir("pids", "seed-agent", root).is_dir()
    assert binds[0] == f"--bind={freezer}:{cgroups.STAGING / 'freezer'}"
    assert len(binds) == 2
    assert not (root / "memory" / cgroups.PARENT).exists()


def test_remove_takes_what_the_machine_created_below_its_grant(tmp_path):
    root = fake_root(tmp_path)
    cgroups.prepare(("freezer",), "seed-agent", root)
    cgroups.prepare(("freezer",), "seed-master", root)
    nested = cgroups.grant_dir("freezer", "seed-agent", root) / "mesos" / "container-1"
    nested.mkdir(parents=True)  # what Mesos's linux launcher creates
    removed = cgroups.remove("seed-agent", root)
    assert removed == [cgroups.grant_dir("freezer", "seed-agent", root)]
    assert not cgroups.grant_dir("freezer", "seed-agent", root).exists()
    assert cgroups.grant_dir("freezer", "seed-master", root).is_dir()  # another machine's
    cgroups.remove("seed-master", root)
    assert not (root / "freezer" / cgroups.PARENT).exists()  # the last one takes the parent


def test_remove_fails_clearly_when_a_cgroup_cannot_go(tmp_path):
    root = fake_root(tmp_path)
    cgroups.prepare(("pids",), "m", root)
    (cgroups.grant_dir("pids", "m", root) / "tasks").write_text("")  # a non-empty cgroup
    with pytest.raises(LabError, match="cannot remove cgroup"):
        cgroups.remove("m", root)


def test_missing_controller_is_a_lab_error(tmp_path):
    with pytest.raises(LabError, match="not mounted"):
        cgroups.prepare(("freezer",), "m", tmp_path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["memory"], "lab_cgroups memory not supported"),
        ("freezer", "must be a list"),
        ([1], "must be a list"),
    ],
)
def test_inventory_rejects_unknown_or_malformed_grants(value, message):
    data = {
        "_meta": {
            "hostvars": {
                "a": {"lab_name": "t", "ansible_host": "192.168.33.61", "lab_cgroups": value}
            }
        },
        "all": {"children": ["ungrouped"]},
    }
    with pytest.raises(LabError, match=message):
        specs_from_inventory(data, "/inv")


def test_inventory_grants_reach_the_machine_spec():
    data = {
        "_meta": {
            "hostvars": {
                "a": {
                    "lab_name": "t",
                    "ansible_host": "192.168.33.61",
                    "lab_cgroups": ["pids", "freezer", "pids"],
                },
                "b": {"lab_name": "t", "ansible_host": "192.168.33.60"},
            }
        },
        "all": {"children": ["ungrouped"]},
    }
    machines = {m.host: m for m in specs_from_inventory(data, "/inv").machines}
    assert machines["a"].cgroups == ("pids", "freezer")
    assert machines["b"].cgroups == ()


def test_guest_unit_binds_each_grant_over_its_controller_before_sysinit(tmp_path):
    cgroups.write_guest_unit(tmp_path, ("freezer", "pids"))
    unit = (tmp_path / "etc/systemd/system" / cgroups.UNIT).read_text()
    assert "ExecStart=/bin/mount --bind /var/lib/lab-cgroups/freezer /sys/fs/cgroup/freezer" in unit
    assert "ExecStart=/bin/mount --bind /var/lib/lab-cgroups/pids /sys/fs/cgroup/pids" in unit
    assert "Before=sysinit.target" in unit
    link = tmp_path / "etc/systemd/system/sysinit.target.wants" / cgroups.UNIT
    assert link.is_symlink() and (link.parent / link.readlink()).resolve().name == cgroups.UNIT
    cgroups.write_guest_unit(tmp_path / "other", ())
    assert not (tmp_path / "other").exists()
