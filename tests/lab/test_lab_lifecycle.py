"""down after a clean up, after kill -9 of systemd-nspawn, and after an interrupted up."""

import os
import signal
import subprocess
import sys
import time

from lab_helpers import (
    INVENTORY,
    NAMES,
    PATHS,
    REPO,
    assert_labtest_gone,
    lab,
    labtest_processes,
    machines_by_name,
)

from lab import processes


def test_down_leaves_no_machine_process_bridge_or_table(clean_labtest, record_property):
    start = time.monotonic()
    lab("up", "-i", INVENTORY)
    record_property("up_seconds", round(time.monotonic() - start, 1))
    assert labtest_processes()
    start = time.monotonic()
    result = lab("down", "-i", INVENTORY)
    record_property("down_seconds", round(time.monotonic() - start, 1))
    assert "stop labtest-agent, labtest-master" in result.stdout
    assert_labtest_gone()
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
