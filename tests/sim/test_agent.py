"""Agent behaviour: unreachable after missed pings and back, checkpointed identity and
refusal of a changed configuration, SIGTERM kills tasks, offer_timeout rescinds."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.support.sim import REPO_ROOT, SimCluster
from tests.support.wait import wait_until

from .scheduler import TestScheduler, command_task, launch_call

FAST_PINGS = {"agent_ping_timeout": "200ms", "max_agent_ping_timeouts": "2"}


def _agents(url: str) -> list[dict]:
    return requests.post(url + "/api/v1", json={"type": "GET_AGENTS"}, timeout=5).json()[
        "get_agents"
    ]["agents"]


def test_silent_agent_becomes_unreachable_then_reregisters(sim_cluster_factory):
    cluster = sim_cluster_factory(master_flags=FAST_PINGS)
    cluster.wait_for_agents()
    url = cluster.leader_url()
    scheduler = TestScheduler(url, {"failover_timeout": 60})
    agent = cluster.agents[0].process
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "napper", "sleep 60")]))
        scheduler.update("napper", "TASK_RUNNING")
        os.kill(agent.pid, signal.SIGSTOP)
        try:
            lost = scheduler.update("napper", "TASK_LOST", timeout=15)
            assert lost["reason"] == "REASON_AGENT_REMOVED"
            assert "uuid" not in lost
            failure = scheduler.next_event("FAILURE", timeout=5)
            assert failure["failure"]["agent_id"] == offer["agent_id"]
            assert _agents(url) == []
        finally:
            os.kill(agent.pid, signal.SIGCONT)
        agents = wait_until(lambda: _agents(url), 20, 0.1, "the agent to re-register")
        assert agents[0]["agent_info"]["id"] == offer["agent_id"]
        scheduler.call(
            {"type": "RECONCILE", "reconcile": {"tasks": [{"task_id": {"value": "napper"}}]}}
        )
        status = scheduler.next_event(
            "UPDATE", where=lambda e: e["update"]["status"].get("reason") == "REASON_RECONCILIATION"
        )["update"]["status"]
        assert status["state"] == "TASK_RUNNING"
    finally:
        scheduler.close()


def _agent_argv(cluster: SimCluster, attributes: str) -> list[str]:
    agent = cluster.agents[0]
    flags = dict(agent.flags, attributes=attributes)
    return [sys.executable, "-m", "mesos_sim", "agent", *(f"--{k}={v}" for k, v in flags.items())]


def test_agent_keeps_its_id_and_refuses_changed_attributes(sim_cluster_factory):
    cluster = sim_cluster_factory()
    state = cluster.wait_for_agents()
    agent_id = state["slaves"][0]["id"]
    work_dir = Path(cluster.agents[0].flags["work_dir"])
    assert (work_dir / "meta" / "slaves" / "latest" / "sim-slave.info.json").exists()
    cluster.stop_agent(0)
    assert _agents(cluster.leader_url())[0]["active"] is False
    cluster.start_agent(0)

    def same_id_back() -> bool:
        agents = _agents(cluster.leader_url())
        return any(a["agent_info"]["id"]["value"] == agent_id and a["active"] for a in agents)

    wait_until(same_id_back, 20, 0.1, "the agent to come back with its id")
    cluster.stop_agent(0)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    refused = subprocess.run(
        _agent_argv(cluster, "rack:r2d3"),
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        cwd=REPO_ROOT,
        check=False,
    )
    assert refused.returncode == 1
    assert "Incompatible agent info detected" in refused.stderr
    assert f"rm -f {work_dir}/meta/slaves/latest" in refused.stderr
    (work_dir / "meta" / "slaves" / "latest").unlink()
    cluster.agents[0].flags["attributes"] = "rack:r2d3"
    cluster.start_agent(0)

    def new_agent() -> list[dict]:
        return [
            a
            for a in _agents(cluster.leader_url())
            if a["agent_info"]["attributes"][0]["text"]["value"] == "r2d3"
        ]

    fresh = wait_until(new_agent, 20, 0.1, "the reconfigured agent")
    assert fresh[0]["agent_info"]["id"]["value"] != agent_id


def test_sigterm_kills_the_agents_tasks(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(
            launch_call(offer, [command_task(offer, "pidfile", "echo $$ > pid; exec sleep 300")])
        )
        running = scheduler.update("pidfile", "TASK_RUNNING")
        pid = running["container_status"]["executor_pid"]
        assert Path(f"/proc/{pid}").exists()
        assert sim_cluster.agents[0].stop() == 0
        wait_until(lambda: not Path(f"/proc/{pid}").exists(), 10, 0.1, "the task to die")
        assert sim_cluster.masters[0].stop() == 0
    finally:
        scheduler.close()


def test_offer_timeout_rescinds(sim_cluster_factory):
    cluster = sim_cluster_factory(master_flags={"offer_timeout": "500ms"})
    cluster.wait_for_agents()
    scheduler = TestScheduler(cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        rescind = scheduler.next_event("RESCIND", timeout=10)
        assert rescind["rescind"]["offer_id"] == offer["id"]
        again = scheduler.next_event("OFFERS", timeout=10)["offers"]["offers"][0]
        assert again["id"] != offer["id"]
    finally:
        scheduler.close()


def test_agent_restarted_without_its_tasks_makes_them_lost(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url(), {"failover_timeout": 60})
    pid = None
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "orphan", "exec sleep 300")]))
        pid = scheduler.update("orphan", "TASK_RUNNING")["container_status"]["executor_pid"]
        sim_cluster.agents[0].kill()  # a crash: the task process is orphaned
        sim_cluster.start_agent(0)
        lost = scheduler.update("orphan", "TASK_LOST", timeout=20)
        assert lost["reason"] == "REASON_RECONCILIATION"
        assert lost["message"] == "Reconciliation: task unknown to the agent"
    finally:
        scheduler.close()
        if pid is not None and _is_orphan_sleep(pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)


def _is_orphan_sleep(pid: int) -> bool:
    """Whether `pid` is still the orphaned task (init reaps it, so the pid may be reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return cmdline.split(b"\0")[:2] == [b"sleep", b"300"]
