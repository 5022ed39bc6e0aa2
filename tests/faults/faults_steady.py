"""The HA lab's steady state: converged (one leader, every master, ZooKeeper, agents, nginx
once), how to wait for it, and how to undo whatever fault a test left behind."""

from __future__ import annotations

from dataclasses import dataclass

from faults_cluster import (
    WaitTimeout,
    active_agents,
    agents,
    all_masters_contending,
    leader,
    live_by_name,
    nginx_answers,
    operator_call,
    wait_for,
    wait_for_leader,
    zk_quorum_serving,
)
from faults_lab import HaLab, LabCommandError, boot_missing_machines, in_machine

NGINX_TASK = "nginx"
STEADY_TIMEOUT = 180.0


@dataclass(frozen=True)
class Nginx:
    """Where the nginx task of site.yml answers."""

    task_id: str
    agent_address: str
    url: str


def find_nginx(lab: HaLab) -> Nginx:
    """The one running nginx task and its URL (agent host name and first port of its ports)."""
    address = wait_for_leader(lab, 60)
    copies = live_by_name(address).get(NGINX_TASK, [])
    assert len(copies) == 1, f"expected exactly one live nginx task, found {copies}"
    answer = operator_call(address, "GET_TASKS")
    task_id = copies[0].task_id
    task = next(t for t in answer.get("tasks", []) if t["task_id"]["value"] == task_id)
    hostname = next(
        a.hostname for a in agents(address).values() if a.agent_id == task["agent_id"]["value"]
    )
    ports = next(r for r in task["resources"] if r["name"] == "ports")
    port = ports["ranges"]["range"][0]["begin"]
    return Nginx(task_id, hostname, f"http://{hostname}:{port}/")


def converged(lab: HaLab) -> bool:
    """One leader, every master contending, ZooKeeper serving, every agent active, nginx once."""
    address = leader(lab)
    if address is None or not zk_quorum_serving(lab) or not all_masters_contending(lab):
        return False
    if len(active_agents(lab, address)) != len(lab.agents):
        return False
    copies = live_by_name(address).get(NGINX_TASK, [])
    return len(copies) == 1 and copies[0].state == "TASK_RUNNING"


def is_converged(lab: HaLab) -> bool:
    """``converged`` that answers False instead of raising while machines are unreachable."""
    try:
        return converged(lab)
    except (OSError, LabCommandError, WaitTimeout, AssertionError, ValueError):
        return False


def wait_until_steady(lab: HaLab, timeout: float = STEADY_TIMEOUT) -> Nginx:
    """Wait (bounded) for the converged state; return where nginx answers."""
    wait_for(lambda: is_converged(lab), timeout, "the HA lab to converge", interval=1.0)
    nginx = find_nginx(lab)
    wait_for(lambda: nginx_answers(nginx.url), 60, f"nginx at {nginx.url}", interval=1.0)
    return nginx


def restore_everything(lab: HaLab) -> None:
    """Undo any fault a test may have left: boot missing machines, start every unit."""
    boot_missing_machines(lab)
    for host in lab.zookeepers:
        in_machine(lab, host, "systemctl start zookeeper")
    for host in lab.masters:
        in_machine(lab, host, "systemctl start mesos-master")
    for agent in lab.agents:
        in_machine(lab, agent.host, "systemctl start mesos-agent")
