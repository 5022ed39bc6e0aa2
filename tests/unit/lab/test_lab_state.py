"""Machine records and state detection from pid files and /proc facts."""

import subprocess
import sys
import time

import pytest

from lab.machine import observe
from lab.paths import LabPaths
from lab.state import (
    MachineRecord,
    MachineState,
    Observation,
    all_records,
    classify,
    leftover_names,
    parse_record,
    read_record,
    write_record,
)


@pytest.fixture
def paths(tmp_path):
    return LabPaths(home=tmp_path / "home", cache=tmp_path / "cache")


def record(name="t-master", pid=1, address="192.168.33.60"):
    return MachineRecord(
        name=name,
        lab_name="t",
        inventory="/inv",
        host=name.split("-", 1)[1],
        address=address,
        pid=pid,
        started_at=time.time(),
    )


def test_record_round_trips_through_its_file(paths):
    original = record(pid=4242)
    write_record(paths, original)
    assert read_record(paths, "t-master") == original
    assert not list(paths.run_dir.glob("*.partial"))


@pytest.mark.parametrize("text", ["", "{", "[]", '{"name": "x"}', '{"name":"x","pid":"nan?"}'])
def test_half_written_or_foreign_records_read_as_none(text):
    assert parse_record(text) is None


def test_all_records_skips_network_record_and_garbage(paths):
    write_record(paths, record("t-a", address="192.168.33.60"))
    write_record(paths, record("t-b", address="192.168.33.61"))
    paths.network_record.write_text('{"ip_forward_before": "0"}')
    (paths.run_dir / "t-c.json").write_text("{truncated")
    assert [r.name for r in all_records(paths)] == ["t-a", "t-b"]


def test_leftover_names_finds_dirs_partial_copies_locks_and_run_files(paths):
    paths.machines_dir.mkdir(parents=True)
    (paths.machines_dir / "t-a").mkdir()
    (paths.machines_dir / ".t-b.partial-123").mkdir()
    (paths.machines_dir / ".#t-c.lck").write_text("")
    paths.run_dir.mkdir(parents=True)
    (paths.run_dir / "t-d.log").write_text("")
    (paths.run_dir / "t-e.json.partial").write_text("")
    paths.network_record.write_text("{}")
    assert leftover_names(paths) == {"t-a", "t-b", "t-c", "t-d", "t-e"}


FACTS = {
    "record": False,
    "directory": False,
    "nspawn_alive": False,
    "init_alive": False,
    "system_state": None,
}


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        ({}, MachineState.ABSENT),
        ({"directory": True}, MachineState.STOPPED),
        ({"record": True}, MachineState.STOPPED),
        ({"record": True, "directory": True, "init_alive": True}, MachineState.ORPHANED),
        ({"record": True, "nspawn_alive": True}, MachineState.STARTING),
        (
            {"record": True, "nspawn_alive": True, "init_alive": True, "system_state": "starting"},
            MachineState.STARTING,
        ),
        (
            {"record": True, "nspawn_alive": True, "init_alive": True, "system_state": "running"},
            MachineState.RUNNING,
        ),
        (
            {"record": True, "nspawn_alive": True, "init_alive": True, "system_state": "degraded"},
            MachineState.RUNNING,
        ),
    ],
)
def test_classify(facts, state):
    assert classify(Observation(**{**FACTS, **facts})) is state


def test_record_of_a_dead_process_means_stopped(paths):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(timeout=30)
    write_record(paths, record(pid=child.pid))
    (paths.machines_dir / "t-master").mkdir(parents=True)
    seen, init_pid = observe(paths, "t-master", probe=False)
    assert init_pid is None
    assert classify(seen) is MachineState.STOPPED


def test_record_whose_pid_was_reused_by_another_program_is_not_alive(paths):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        write_record(paths, record(pid=other.pid))
        seen, _ = observe(paths, "t-master", probe=False)
        assert not seen.nspawn_alive
        assert classify(seen) is MachineState.STOPPED
    finally:
        other.kill()
        other.wait(timeout=30)
