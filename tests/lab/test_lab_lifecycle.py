"""down after a clean up, a kill -9 of systemd-nspawn, an interrupted up; conflicts; --all."""

import os
import signal
import subprocess
import sys
import time

import pytest
from lab_helpers import (
    INVENTORY,
    NAMES,
    PATHS,
    REPO,
    assert_labtest_gone,
    lab,
    labtest_processes,
    machines_by_name,
    other_lab_machines_alive,
)

from lab import machine, network, processes
from lab.paths import LabPaths


def test_down_leaves_no_machine_process_bridge_or_table(clean_labtest, record_property):
    start = time.monotonic()
    lab("up", "-i", INVENTORY)
    record_property("up_seconds", round(time.monotonic() - start, 1))
    assert labtest_processes()
    runtime = [f for n in NAMES for f in machine.nspawn_runtime_files(PATHS.machine_dir(n), n)]
    start = time.monotonic()
    result = lab("down", "-i", INVENTORY)
    record_property("down_seconds", round(time.monotonic() - start, 1))
    assert "stop labtest-agent, labtest-master" in result.stdout
    assert_labtest_gone()
    assert [f for f in runtime if f.exists()] == []
    again = lab("down", "-i", INVENTORY)
    assert "no machines to remove" in again.stdout


def test_down_after_kill_9_of_nspawn(clean_labtest):
    lab("up", "-i", INVENTORY)
    before = machines_by_name()
    for name in NAMES:
        os.kill(before[name]["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(processes.is_alive(before[n]["pid"]) for n in NAMES):
        time.sleep(0.1)
    after = machines_by_name()
    assert {after[n]["state"] for n in NAMES} == {"orphaned"}  # systemd still runs inside
    lab("down", "-i", INVENTORY)
    assert_labtest_gone()


def test_up_recovers_from_stale_state_left_by_a_crash(clean_labtest):
    lab("up", "-i", INVENTORY)
    pid = machines_by_name()["labtest-agent"]["pid"]
    os.kill(pid, signal.SIGKILL)
    result = lab("up", "-i", INVENTORY)
    assert "clean up orphaned labtest-agent" in result.stdout
    after = machines_by_name()
    assert {m["state"] for m in after.values()} == {"running"}
    assert after["labtest-agent"]["pid"] != pid


def test_down_after_up_was_killed_midway(clean_labtest):
    up = subprocess.Popen(
        [sys.executable, "-m", "lab", "up", "-i", INVENTORY],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = []
        for line in up.stdout:  # bounded: up prints a few dozen lines at most
            seen.append(line)
            if "start labtest-agent" in line:
                break
        assert any("start labtest-agent" in line for line in seen), seen
    finally:
        up.kill()
        up.wait(timeout=30)
    assert labtest_processes()  # the machine outlives the killed `up`
    lab("down", "-i", INVENTORY)
    assert_labtest_gone()


def test_down_cleans_half_copied_dir_and_stale_record(clean_labtest):
    PATHS.machines_dir.mkdir(parents=True, exist_ok=True)
    partial = PATHS.machines_dir / ".labtest-master.partial-99999"
    (partial / "etc").mkdir(parents=True)
    PATHS.run_dir.mkdir(parents=True, exist_ok=True)
    PATHS.record_file("labtest-agent").write_text(
        '{"name": "labtest-agent", "lab_name": "labtest", "inventory": "x", "host": "agent",'
        ' "address": "192.168.33.61", "pid": 999999, "started_at": 0}'
    )
    result = lab("down", "-i", INVENTORY)
    assert "remove labtest-master" in result.stdout
    assert "remove labtest-agent" in result.stdout
    assert not partial.exists()
    assert_labtest_gone()


def test_down_all_in_a_separate_home_and_cross_home_conflicts(clean_labtest, tmp_path):
    home = tmp_path / "home"
    env = {"MESOS_LAB_HOME": str(home)}
    lab("up", "-i", INVENTORY, env=env)
    try:
        other = LabPaths(home=home, cache=PATHS.cache)
        assert set(processes.nspawn_pids(machines_dir=other.machines_dir).values()) == {
            other.machine_dir(n) for n in NAMES
        }
        clash = lab("up", "-i", INVENTORY, check=False)  # default home, same names/addresses
        assert clash.returncode == 2
        assert f"of MESOS_LAB_HOME={home} holds an address or name" in clash.stderr
        assert not PATHS.machine_dir("labtest-master").exists()
    finally:
        result = lab("down", "--all", env=env)
    assert "stop labtest-agent, labtest-master" in result.stdout
    assert processes.nspawn_pids(machines_dir=home / "machines") == {}
    assert processes.container_inits(machines_dir=home / "machines") == {}
    assert list((home / "machines").iterdir()) == []
    assert_labtest_gone()


def test_up_refuses_a_machine_address_held_by_a_host_interface(clean_labtest):
    link = ["ip", "link", "add", "mlabtst0", "type", "veth", "peer", "name", "mlabtst1"]
    subprocess.run(link, check=True, timeout=30)
    try:
        subprocess.run(
            ["ip", "addr", "add", "192.168.33.61/32", "dev", "mlabtst0"], check=True, timeout=30
        )
        result = lab("up", "-i", INVENTORY, check=False)
    finally:
        subprocess.run(["ip", "link", "del", "mlabtst0"], check=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr == (
        "lab: error: 192.168.33.61 (for labtest-agent) is already on host interface mlabtst0\n"
    )
    assert labtest_processes() == []


def test_down_removes_a_bridge_left_without_machines(clean_labtest):
    if other_lab_machines_alive():
        pytest.skip("other labs' machines share the bridge right now; it must stay")
    network.ensure_network(PATHS.network_record)  # as a crashed first `up` leaves it
    assert network.bridge_state().exists
    result = lab("down", "-i", INVENTORY)
    assert "no machines to remove" in result.stdout
    assert "removed nft table inet mesos_lab, bridge mlab0" in result.stdout
    assert_labtest_gone()
