"""Verify scenario trixie: site.yml on Debian 13 machines (Python 3.13), simulator flavor.

The master runs ZooKeeper (Debian 13's zookeeperd) and mesos-master, the agent mesos-agent;
site.yml's last play launched nginx with mesoslab.mesos.mesos_task, which ran on the master's
Python 3.13.
"""

from __future__ import annotations

import lab_probes
import mesos_probes

testinfra_hosts = ["ansible://all"]

MASTER_ADDRESS = "192.168.33.92"
AGENT_ADDRESS = "192.168.33.93"


def test_machine_is_debian_13_with_python_3_13(host):
    assert lab_probes.debian_release_and_python(host) == ("13", "3.13")


def test_mesos_units_run_where_they_belong(host):
    unit = "mesos-master" if host.backend.get_hostname() == "master" else "mesos-agent"
    assert host.service(unit).is_running


def test_the_agent_is_registered_with_its_attributes():
    agents = mesos_probes.active_agents(MASTER_ADDRESS, AGENT_ADDRESS)
    assert len(agents) == 1
    assert mesos_probes.attributes_text(agents[0]) == "rack:r2d2;pod:demo,dev"


def test_nginx_launched_by_mesos_task_runs_and_answers():
    tasks = mesos_probes.operator_call(MASTER_ADDRESS, "GET_TASKS")["get_tasks"].get("tasks", [])
    (task,) = [t for t in tasks if t["name"] == "nginx" and t["state"] == "TASK_RUNNING"]
    (ports,) = [r for r in task["resources"] if r["name"] == "ports"]
    port = ports["ranges"]["range"][0]["begin"]
    response = mesos_probes.http_get(AGENT_ADDRESS, port, "/")
    assert response.status_code == 200
    assert response.headers.get("Server", "").startswith("nginx")
