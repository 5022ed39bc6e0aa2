"""Agent loss as Mesos 1.11 handles it: removal after ``agent_ping_timeout`` x
``max_agent_ping_timeouts`` (master.cpp SlaveObserver), the lost task kept among the
framework's unreachable tasks (Master::__removeSlave), its id refused for a new task
(validation.cpp validateUniqueTaskID), and the task re-added as RUNNING when the agent comes
back, partition-aware framework or not (Master::__reregisterSlave, MESOS-7215); the task
lists of GET_TASKS, /master/state and /master/tasks; an agent replaced at its address."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest
import requests

from mesos_sim.master.model import Framework, Task
from mesos_sim.resources import Resources
from tests.support.sim import SimCluster
from tests.support.wait import wait_until

from .scheduler import TestScheduler, command_task, launch_call
from .test_agent import _is_orphan_sleep

PING_SECONDS = 0.5
MAX_MISSES = 6
PINGS = {"agent_ping_timeout": "500ms", "max_agent_ping_timeouts": str(MAX_MISSES)}
# For scheduling on a loaded 2-core machine; still below what pinging only after each
# ping's own timeout took (about twice the budget).
SLACK_SECONDS = 1.5
REMOVAL_TIMEOUT = 30.0


def _get_tasks(url: str) -> dict:
    answer = requests.post(url + "/api/v1", json={"type": "GET_TASKS"}, timeout=5)
    answer.raise_for_status()
    return answer.json()["get_tasks"]


def _listed(url: str, task_id: str) -> list[tuple[str, str]]:
    """(GET_TASKS list, state) of every entry of ``task_id``."""
    tasks = _get_tasks(url)
    return [
        (key, t["state"])
        for key, entries in tasks.items()
        for t in entries
        if t["task_id"]["value"] == task_id
    ]


def _framework_v0(url: str, framework_id: str) -> dict:
    state = requests.get(url + "/master/state", timeout=5).json()
    return next(f for f in state["frameworks"] if f["id"] == framework_id)


def _ids(entries: list[dict]) -> list[str]:
    return [t["id"] for t in entries]


def _agent_ids_by_port(cluster: SimCluster) -> dict[int, str]:
    state = cluster.wait_for_agents(len(cluster.agents))
    return {s["port"]: s["id"] for s in state["slaves"]}


class OfferBook:
    """Offers by agent as they arrive (one OFFERS event may carry several agents')."""

    def __init__(self, scheduler: TestScheduler) -> None:
        self.scheduler = scheduler
        self.outstanding: dict[str, dict] = {}

    def take(self, agent_id: str) -> dict:
        """An outstanding offer for ``agent_id`` (waiting for one if needed); it is used up."""
        while agent_id not in self.outstanding:
            for offer in self.scheduler.next_event("OFFERS")["offers"]["offers"]:
                self.outstanding[offer["agent_id"]["value"]] = offer
        return self.outstanding.pop(agent_id)


def _task_error(scheduler: TestScheduler, task_id: str) -> dict:
    status = scheduler.update(task_id, "TASK_ERROR")
    assert status["source"] == "SOURCE_MASTER"
    assert status["reason"] == "REASON_TASK_INVALID"
    return status


@pytest.mark.parametrize(
    ("capabilities", "lost_state"),
    [([], "TASK_LOST"), ([{"type": "PARTITION_AWARE"}], "TASK_UNREACHABLE")],
    ids=["not-partition-aware", "partition-aware"],
)
def test_agent_loss_keeps_the_task_unreachable_and_readds_it(
    sim_cluster_factory, capabilities, lost_state
):
    cluster = sim_cluster_factory(agents=2, master_flags=PINGS)
    ids = _agent_ids_by_port(cluster)
    lost_agent, spare_agent = (ids[int(a.address.rsplit(":", 1)[1])] for a in cluster.agents)
    url = cluster.leader_url()
    scheduler = TestScheduler(url, {"failover_timeout": 60, "capabilities": capabilities})
    stopped = cluster.agents[0].process
    offers = OfferBook(scheduler)
    try:
        offer = offers.take(lost_agent)
        scheduler.call(launch_call(offer, [command_task(offer, "napper", "exec sleep 120")]))
        scheduler.update("napper", "TASK_RUNNING")
        silent_since = time.time()
        os.kill(stopped.pid, signal.SIGSTOP)
        try:
            lost = scheduler.update("napper", lost_state, timeout=REMOVAL_TIMEOUT)
            # Removal after max misses of pings sent every agent_ping_timeout; the first
            # unanswered ping goes out at most one period after the agent fell silent.
            removed_after = lost["timestamp"] - silent_since
            budget = PING_SECONDS * MAX_MISSES
            assert budget - PING_SECONDS < removed_after <= budget + PING_SECONDS + SLACK_SECONDS, (
                removed_after
            )
            assert (lost["reason"], lost["message"], lost["source"]) == (
                "REASON_AGENT_REMOVED",
                "health check timed out",
                "SOURCE_MASTER",
            )
            assert "uuid" not in lost
            assert _listed(url, "napper") == [("unreachable_tasks", lost_state)]
            framework = _framework_v0(url, scheduler.framework_id)
            assert _ids(framework["unreachable_tasks"]) == ["napper"]
            assert _ids(framework["tasks"]) == _ids(framework["completed_tasks"]) == []

            spare = offers.take(spare_agent)
            relaunch = command_task(spare, "napper", "exec sleep 120")
            scheduler.call(launch_call(spare, [relaunch], refuse_seconds=0))
            refused = _task_error(scheduler, "napper")
            assert refused["message"] == "Task reuses the ID of an unreachable task: napper"
        finally:
            os.kill(stopped.pid, signal.SIGCONT)

        back = scheduler.update("napper", "TASK_RUNNING", timeout=REMOVAL_TIMEOUT)
        assert (back["reason"], back["message"], back["source"]) == (
            "REASON_AGENT_REREGISTERED",
            "Unreachable agent re-reregistered",
            "SOURCE_MASTER",
        )
        assert back["agent_id"]["value"] == lost_agent
        assert "uuid" not in back
        assert _listed(url, "napper") == [("tasks", "TASK_RUNNING")]
        framework = _framework_v0(url, scheduler.framework_id)
        assert _ids(framework["tasks"]) == ["napper"]
        assert framework["unreachable_tasks"] == framework["completed_tasks"] == []

        again = offers.take(spare_agent)
        scheduler.call(launch_call(again, [command_task(again, "napper", "exec sleep 120")]))
        assert _task_error(scheduler, "napper")["message"] == "Task has duplicate ID: napper"
    finally:
        scheduler.close()


def _master_tasks_v0(url: str, **query: str) -> list[tuple[str, str]]:
    answer = requests.get(url + "/master/tasks", params=query, timeout=5)
    answer.raise_for_status()
    return [(t["id"], t["state"]) for t in answer.json()["tasks"]]


def test_terminal_unacknowledged_task_stays_listed_as_a_task(sim_cluster):
    url = sim_cluster.leader_url()
    scheduler = TestScheduler(url, {"failover_timeout": 60})
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "first", "exit 0")], 0))
        scheduler.update("first", "TASK_RUNNING")
        finished = scheduler.update("first", "TASK_FINISHED", acknowledge=False)
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "second", "exec sleep 120")]))
        scheduler.update("second", "TASK_RUNNING")

        # Not yet acknowledged: still one of the framework's tasks (readonly_handler.cpp).
        assert _listed(url, "first") == [("tasks", "TASK_FINISHED")]
        framework = _framework_v0(url, scheduler.framework_id)
        assert sorted(_ids(framework["tasks"])) == ["first", "second"]
        assert framework["completed_tasks"] == framework["unreachable_tasks"] == []
        assert sorted(_master_tasks_v0(url)) == [
            ("first", "TASK_FINISHED"),
            ("second", "TASK_RUNNING"),
        ]

        assert scheduler.acknowledge(finished).status_code == 202

        def completed() -> list[tuple[str, str]]:
            return [pair for pair in _listed(url, "first") if pair[0] == "completed_tasks"]

        assert wait_until(completed, 10, 0.1, "the acknowledged task to complete") == [
            ("completed_tasks", "TASK_FINISHED")
        ]
        assert _listed(url, "first") == [("completed_tasks", "TASK_FINISHED")]
        framework = _framework_v0(url, scheduler.framework_id)
        assert _ids(framework["tasks"]) == ["second"]
        assert _ids(framework["completed_tasks"]) == ["first"]
        # /master/tasks: every known task, newest first unless order=asc, paged.
        assert _master_tasks_v0(url) == [("second", "TASK_RUNNING"), ("first", "TASK_FINISHED")]
        assert _master_tasks_v0(url, order="asc", limit="1") == [("first", "TASK_FINISHED")]
        assert _master_tasks_v0(url, offset="1") == [("first", "TASK_FINISHED")]
        assert _master_tasks_v0(url, task_id="second") == [("second", "TASK_RUNNING")]
    finally:
        scheduler.close()


def test_new_agent_at_the_same_address_removes_the_old_one(sim_cluster):
    url = sim_cluster.leader_url()
    scheduler = TestScheduler(url, {"failover_timeout": 60})
    pid = None
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "stray", "exec sleep 300")]))
        pid = scheduler.update("stray", "TASK_RUNNING")["container_status"]["executor_pid"]
        sim_cluster.agents[0].kill()  # a crash that also loses the agent's identity
        (Path(sim_cluster.agents[0].flags["work_dir"]) / "meta" / "slaves" / "latest").unlink()
        sim_cluster.start_agent(0)
        lost = scheduler.update("stray", "TASK_LOST", timeout=20)
        assert (lost["reason"], lost["message"]) == (
            "REASON_AGENT_REMOVED",
            "Agent 127.0.0.1 removed: a new agent registered at the same address",
        )
        failure = scheduler.next_event("FAILURE", timeout=5)
        assert failure["failure"]["agent_id"] == offer["agent_id"]
        # Removed, not unreachable (Master::_removeSlave): completed, and the id is free.
        assert _listed(url, "stray") == [("completed_tasks", "TASK_LOST")]
        fresh = scheduler.next_event(
            "OFFERS", where=lambda e: e["offers"]["offers"][0]["agent_id"] != offer["agent_id"]
        )["offers"]["offers"][0]
        scheduler.call(launch_call(fresh, [command_task(fresh, "stray", "exit 0")]))
        assert scheduler.update("stray", "TASK_FINISHED")["agent_id"] == fresh["agent_id"]
    finally:
        scheduler.close()
        if pid is not None and _is_orphan_sleep(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def _record(task_id: str) -> Task:
    info = {"task_id": {"value": task_id}, "name": task_id}
    return Task(info=info, framework_id="fw", agent_id="agent", role="*", resources=Resources())


def test_unreachable_tasks_are_bounded_oldest_first_and_readded_tasks_leave_completed():
    framework = Framework(framework_id="fw", info={"name": "bounded"})
    for task_id in ("a", "b", "c"):
        framework.add_unreachable_task(_record(task_id), limit=2)
    assert list(framework.unreachable_tasks) == ["b", "c"]
    framework.add_unreachable_task(_record("b"), limit=2)  # again: now the newest
    framework.add_unreachable_task(_record("d"), limit=2)
    assert list(framework.unreachable_tasks) == ["b", "d"]

    framework.completed_tasks.extend([_record("x"), _record("b"), _record("y")])
    framework.forget_completed_task("b")
    assert [t.task_id for t in framework.completed_tasks] == ["x", "y"]
    assert framework.completed_tasks.maxlen == 1000
