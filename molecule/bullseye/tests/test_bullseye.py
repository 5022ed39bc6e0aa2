"""Verify scenario bullseye: the modules on a Debian 11 managed node (Python 3.9).

converge.yml ran mesos_framework, mesos_task, mesos_info and mesos_offer_info on
molbull-bullseye (Debian 11's python3-requests 2.25, masters by URL) against the seed's cluster
on Debian 12 (ZooKeeper and master .91, agent .94). Here: the task it launched runs once and
answers; ad hoc runs of the modules on 3.9 (check mode, launch, absent, errors); and the roles
that cannot run on bullseye refuse in their preflight and leave the host untouched.
"""

from __future__ import annotations

import json
from pathlib import Path

import lab_probes
import mesos_probes
import pytest

from tests.modules.ansible_run import adhoc, playbook

testinfra_hosts = ["ansible://bullseye"]

MASTER_ADDRESS = "192.168.33.91"
AGENT_ADDRESS = "192.168.33.94"
MASTER = f"http://{MASTER_ADDRESS}:5050"
FRAMEWORK = {"name": "bullseye"}  # converge.yml's
INVENTORY = str(Path(__file__).resolve().parents[1] / "inventory")


def module_result(module: str, args: dict, *, check: bool = False) -> dict:
    """The result of `ansible bullseye -m mesoslab.mesos.MODULE -a ARGS`."""
    run = adhoc(module, args, hosts="bullseye", inventory=INVENTORY, check=check, diff=check)
    (result,) = run.results("bullseye")
    return result


def running_copies(name: str) -> list[dict]:
    tasks = mesos_probes.operator_call(MASTER_ADDRESS, "GET_TASKS")["get_tasks"].get("tasks", [])
    return [t for t in tasks if t["name"] == name and t["state"] == "TASK_RUNNING"]


def task_port(task: dict) -> int:
    (ports,) = [r for r in task["resources"] if r["name"] == "ports"]
    return ports["ranges"]["range"][0]["begin"]


# What the roles would write first: packages, units, config and install directories.
ROLE_PATHS = (
    "/etc/systemd/system /etc/zookeeper /etc/default /etc/mesos /etc/mesos-master /opt/mesos_sim"
    " /var/lib/mesos /usr/bin/mesos-init-wrapper"
)


def host_state(host) -> str:
    """The dpkg database and every file (name, mtime, size) under ROLE_PATHS."""
    return host.check_output(
        f"md5sum /var/lib/dpkg/status; find {ROLE_PATHS} -printf '%p %T@ %s\\n' 2>/dev/null | sort"
    )


def test_machine_is_debian_11_with_python_3_9(host):
    assert lab_probes.debian_release_and_python(host) == ("11", "3.9")


def test_the_modules_used_debian_11s_requests(host):
    assert host.package("python3-requests").version.startswith("2.25")
    assert not host.package("python3-kazoo").is_installed


def test_a_zookeeper_master_without_kazoo_is_a_clear_error():
    zk = f"zk://{MASTER_ADDRESS}:2181/mesos"
    result = module_result("mesos_info", {"master": zk})
    assert result.get("failed") is True
    assert "kazoo" in result["msg"]
    assert "Traceback" not in json.dumps(result)


def test_the_task_launched_from_python_3_9_runs_once_and_answers():
    (task,) = running_copies("web-bullseye")
    assert task["agent_id"]["value"]
    response = mesos_probes.http_get(AGENT_ADDRESS, task_port(task), "/")
    assert response.status_code == 200
    assert response.headers.get("Server", "").startswith("SimpleHTTP")


def test_ad_hoc_check_mode_reports_the_kill_and_kills_nothing():
    args = {"name": "web-bullseye", "state": "absent", "master": MASTER, "framework": FRAMEWORK}
    result = module_result("mesos_task", args, check=True)
    assert result.get("failed") is not True, result
    assert result["changed"] is True
    assert result["diff"]["before"] != result["diff"]["after"]
    assert len(running_copies("web-bullseye")) == 1


def test_ad_hoc_launch_and_absent_of_a_second_task():
    task = {"name": "adhoc-bullseye", "master": MASTER, "framework": FRAMEWORK}
    args = {**task, "command": "exec sleep 600", "cpus": 0.1, "mem": 16}
    launched = module_result("mesos_task", args)
    assert launched.get("failed") is not True, launched
    assert launched["changed"] is True
    assert launched["task"]["state"] == "TASK_RUNNING"
    assert len(running_copies("adhoc-bullseye")) == 1
    gone = module_result("mesos_task", {**task, "state": "absent"})
    assert gone.get("failed") is not True, gone
    assert gone["changed"] is True
    assert running_copies("adhoc-bullseye") == []


def test_a_bad_argument_is_a_clear_error_on_python_3_9():
    result = module_result("mesos_task", {"name": "x", "cpus": "lots", "master": MASTER})
    assert result.get("failed") is True
    assert "cpus" in result["msg"]
    assert "Traceback" not in json.dumps(result)


@pytest.mark.parametrize(
    ("role", "extra", "message"),
    [
        ("zookeeper", {}, "this host runs Debian 11"),
        (
            "mesos_master",
            {"mesos_flavor": "simulator"},
            "needs Python >= 3.11 on the host (found 3.9)",
        ),
    ],
)
def test_roles_that_bullseye_cannot_run_refuse_before_touching_it(
    host, tmp_path, role, extra, message
):
    before = host_state(host)
    path = tmp_path / "role.yml"
    path.write_text(
        f"- hosts: bullseye\n  become: true\n  roles:\n    - role: {role}\n", encoding="utf-8"
    )
    run = playbook(path, inventory=INVENTORY, extra_vars=extra)
    assert run.returncode == 2, run.describe()
    failed = [r for r in run.results("bullseye") if r.get("failed")]
    assert len(failed) == 1, run.describe()
    assert message in failed[0]["msg"]
    assert run.stats("bullseye")["changed"] == 0
    assert host_state(host) == before
