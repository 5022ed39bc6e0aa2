"""A running labtest lab: two real systemd machines on mlab0, reachable over SSH."""

import subprocess
import time
from pathlib import Path

import pytest
from lab_helpers import INVENTORY, NAMES, PATHS, in_machine, lab, machines_by_name, status

from lab.network import require_lab_address


def test_up_reports_each_step_and_both_machines(labtest_up, record_property):
    record_property("cold_up_seconds", round(labtest_up["seconds"], 1))
    output = labtest_up["output"]
    for name in NAMES:
        assert f"copy base to {name}" in output
        assert f"] boot {name}" in output
    assert "lab labtest is up" in output


def test_status_says_running_with_live_pids(labtest_up):
    report = status()
    assert report["lab_name"] == "labtest"
    assert report["network"]["bridge_is_lab"] is True
    assert report["network"]["nft_table_present"] is True
    for machine in report["machines"]:
        assert machine["state"] == "running", machine
        assert machine["systemd"] in ("running", "degraded")
        assert Path(f"/proc/{machine['pid']}").exists()
        assert Path(f"/proc/{machine['init_pid']}").exists()


def test_ssh_runs_a_command_in_each_machine(labtest_up):
    for name, host in (("labtest-master", "master"), ("labtest-agent", "agent")):
        result = in_machine(name, "hostname; id -u")
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == [host, "0"]


def test_systemd_inside_runs_networkd_and_sshd(labtest_up):
    result = in_machine(
        "labtest-master",
        "systemctl is-system-running; systemctl is-active systemd-networkd ssh",
    )
    lines = result.stdout.split()
    assert lines[0] in ("running", "degraded")
    assert lines[1:] == ["active", "active"]


def test_machines_have_their_inventory_addresses(labtest_up):
    result = in_machine("labtest-agent", "ip -4 -o addr show dev host0")
    assert "inet 192.168.33.61/24" in result.stdout


def test_machines_reach_each_other_over_the_bridge(labtest_up):
    probe = (
        'python3 -c "import socket,sys; s=socket.create_connection((sys.argv[1], 22), 5); '
        'print(s.recv(64).decode().split()[0])" '
    )
    for name, peer in (("labtest-master", "agent"), ("labtest-agent", "192.168.33.60")):
        result = in_machine(name, probe + peer)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("SSH-2.0"), result.stdout


def test_host_reaches_machines_directly_and_guard_accepts_them(labtest_up):
    for name, address in zip(NAMES, ("192.168.33.60", "192.168.33.61"), strict=True):
        require_lab_address(address)
        result = subprocess.run(
            [
                "ssh",
                "-i",
                str(PATHS.ssh_key),
                "-o",
                "BatchMode=yes",
                "-o",
                "ConnectTimeout=5",
                "-o",
                f"UserKnownHostsFile={PATHS.known_hosts(name)}",
                "-o",
                "StrictHostKeyChecking=yes",
                f"root@{address}",
                "true",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, result.stderr


SHARED = "/var/cache/mesos-lab-apt"


def test_apt_works_through_nat_and_packages_are_shared_between_machines(labtest_up):
    # Start from a pool without `hello`, so the master must download it.
    installed = in_machine(
        "labtest-master",
        f"rm -f {SHARED}/pool/hello_*.deb {SHARED}/machines/labtest-master/hello_*.deb && "
        "apt-get -q update >/dev/null && DEBIAN_FRONTEND=noninteractive "
        "apt-get -y install hello && hello",
        timeout=240,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "Fetched" in installed.stdout  # downloaded through NAT
    assert installed.stdout.strip().endswith("Hello, world!")
    # dpkg's post-invoke hook linked the download into the pool.
    pooled = list((PATHS.apt_archives / "pool").glob("hello_*.deb"))
    assert len(pooled) == 1
    own = PATHS.apt_archives / "machines" / "labtest-master" / pooled[0].name
    assert own.stat().st_ino == pooled[0].stat().st_ino
    # The agent's `apt-get update` hook links the pool in: nothing to download.
    fetched = in_machine(
        "labtest-agent",
        f"rm -f {SHARED}/machines/labtest-agent/hello_*.deb && apt-get -q update >/dev/null && "
        "apt-get -y install --download-only hello",
        timeout=240,
    )
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    assert "Need to get 0 B/" in fetched.stdout, fetched.stdout
    seeded = PATHS.apt_archives / "machines" / "labtest-agent" / pooled[0].name
    assert seeded.stat().st_ino == pooled[0].stat().st_ino


def test_up_again_changes_nothing(labtest_up, record_property):
    before = machines_by_name()
    start = time.monotonic()
    result = lab("up", "-i", INVENTORY)
    record_property("warm_up_seconds", round(time.monotonic() - start, 2))
    assert "already up" in result.stdout
    assert "nothing changed" in result.stdout
    after = machines_by_name()
    for name in NAMES:
        assert after[name]["pid"] == before[name]["pid"]
        assert after[name]["init_pid"] == before[name]["init_pid"]
    uptime = in_machine("labtest-master", "cut -d' ' -f1 /proc/1/stat")  # still systemd as pid 1
    assert uptime.stdout.strip() == "1"


def test_another_inventory_cannot_take_a_running_machines_address(labtest_up, tmp_path):
    (tmp_path / "hosts.yml").write_text(
        "all:\n  vars:\n    lab_name: labclash\n"
        "  hosts:\n    x:\n      ansible_host: 192.168.33.61\n"
    )
    result = lab("up", "-i", str(tmp_path), check=False)
    assert result.returncode == 2
    assert "192.168.33.61 (for labclash-x) is used by machine labtest-agent" in result.stderr
    assert "Traceback" not in result.stderr
    assert not PATHS.machine_dir("labclash-x").exists()


@pytest.mark.parametrize("name", NAMES)
def test_machine_logs_are_kept_while_running(labtest_up, name):
    assert PATHS.log_file(name).exists()
