"""mesos_task when the agent running its task goes silent and comes back (loopback mesos_sim
and real Mesos).

The agent process is frozen with SIGSTOP (its task keeps running, the agent answers nothing),
so the master removes it after agent_ping_timeout x max_agent_ping_timeouts and the task
becomes unreachable; SIGCONT lets it re-register. (On real Mesos the task's command executor
is a process of its own and keeps running too.) This is the lab's partition fault in one
host: tests/faults/test_agent_loss.py does the same with nftables between lab machines.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.sim import SimCluster
from tests.support.wait import wait_until

from .ansible_run import adhoc, ok
from .cluster_checks import LIVE_STATES, live_tasks, tasks_named

SLEEP = "exec sleep 600"
PING_FLAGS = {"agent_ping_timeout": "1secs", "max_agent_ping_timeouts": "2"}
UNREACHABLE_WAIT = 30.0
RETURN_WAIT = 45.0


def sleeper_args(master: str, **extra) -> dict:
    args = {
        "name": "sleepy",
        "command": SLEEP,
        "cpus": 0.05,
        "mem": 16,
        "settle": 0,
        "master": master,
        "timeout": 30,
        "offer_timeout": 15,
    }
    args.update(extra)
    return args


def agent_index(cluster: SimCluster, agent_id: str) -> int:
    """Which of the cluster's agents registered as ``agent_id``."""
    for index, agent in enumerate(cluster.agents):
        if agent.state().get("id") == agent_id:
            return index
    raise AssertionError(f"no agent of the cluster is {agent_id}")


@contextmanager
def frozen(cluster: SimCluster, index: int) -> Iterator[None]:
    """Agent ``index`` (a process this test's cluster started) is SIGSTOPped for the block."""
    process = cluster.agents[index].process
    assert process is not None and process.poll() is None
    os.kill(process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(process.pid, signal.SIGCONT)


def not_live(operator, task_id: str) -> bool:
    return not any(
        t["task_id"]["value"] == task_id and t["state"] in LIVE_STATES
        for t in tasks_named(operator, "sleepy")
    )


def test_agent_back_after_relaunch_leaves_one_copy(
    mesos_kind, mesos_factory, operator_factory
) -> None:
    cluster = mesos_factory(mesos_kind, agents=2, master_flags=PING_FLAGS)
    master = cluster.leader_url()
    operator = operator_factory(master)
    first = ok(adhoc("mesos_task", sleeper_args(master)))["task"]
    lost = agent_index(cluster, first["agent_id"])

    with frozen(cluster, lost):
        wait_until(lambda: not_live(operator, first["id"]), UNREACHABLE_WAIT, 0.5, "the task lost")
        # A fixed id still held by the unreachable copy is refused by Mesos (TASK_ERROR).
        pinned = adhoc("mesos_task", sleeper_args(master, task_id=first["id"]))
        assert pinned.result.get("failed"), pinned.describe()
        assert "reuses the ID of an unreachable task" in pinned.result["msg"], pinned.describe()
        # The default, a fresh id, is launched on the other agent.
        again = ok(adhoc("mesos_task", sleeper_args(master)))
        assert again["changed"] is True and again["task"]["id"] != first["id"]
        assert again["task"]["agent_id"] != first["agent_id"]

    # The agent is back: Mesos re-adds its copy as running, so two copies run ...
    wait_until(lambda: len(live_tasks(operator, "sleepy")) == 2, RETURN_WAIT, 0.5, "the copy back")
    # ... until mesos_task keeps the one running longest (the returned one) and kills the other.
    fixed = ok(adhoc("mesos_task", sleeper_args(master)))
    assert fixed["changed"] is True
    assert fixed["killed_task_ids"] == [again["task"]["id"]]
    assert fixed["task"]["id"] == first["id"]
    assert [t["task_id"]["value"] for t in live_tasks(operator, "sleepy")] == [first["id"]]
    assert ok(adhoc("mesos_task", sleeper_args(master)))["changed"] is False
