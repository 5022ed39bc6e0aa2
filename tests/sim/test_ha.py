"""Two masters and a real ZooKeeper: json.info_ znodes, the lowest leads, stopping the leader
elects the other, the agent re-registers with it and a framework re-subscribes with its id."""

from __future__ import annotations

import json
import signal

import pytest
import requests
from kazoo.client import KazooClient

from tests.support.sim import SimCluster
from tests.support.wait import wait_until
from tests.support.zookeeper import ZooKeeperServer

from .scheduler import TestScheduler, command_task, launch_call

pytestmark = pytest.mark.zookeeper


def _znodes(zookeeper_server) -> dict[str, dict]:
    client = KazooClient(hosts=zookeeper_server.hosts, timeout=5)
    client.start(timeout=10)
    try:
        names = [c for c in client.get_children("/mesos") if c.startswith("json.info_")]
        return {n: json.loads(client.get(f"/mesos/{n}")[0]) for n in sorted(names)}
    finally:
        client.stop()
        client.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL])
def test_leader_failover_agent_reregisters_framework_resubscribes(zookeeper_server, stop_signal):
    with SimCluster(
        masters=2,
        agents=1,
        zookeeper=zookeeper_server,
        master_flags={"zk_session_timeout": "2secs"},
        agent_flags={"zk_session_timeout": "2secs"},
    ) as cluster:
        leader = cluster.leader_index()
        znodes = _znodes(zookeeper_server)
        assert len(znodes) == 2
        lowest = next(iter(znodes.values()))
        assert lowest["address"]["port"] == cluster.masters[leader].port
        assert lowest["version"] == "1.11.0"
        assert {"ip", "port", "hostname", "id", "pid", "address"} <= set(lowest)
        old_state = cluster.wait_for_agents()
        agent_id = old_state["slaves"][0]["id"]

        scheduler = TestScheduler(cluster.leader_url(), {"failover_timeout": 300})
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "survivor", "sleep 120")]))
        scheduler.update("survivor", "TASK_RUNNING")
        framework_id = scheduler.framework_id

        cluster.stop_master(leader, stop_signal)
        scheduler.next_event("_CLOSED", timeout=10)
        scheduler.close()
        new_leader = cluster.leader_index(timeout=30)
        assert new_leader != leader
        state = cluster.wait_for_agents(timeout=30)
        assert [s["id"] for s in state["slaves"]] == [agent_id]
        assert state["slaves"][0]["reregistered_time"] > 0

        again = TestScheduler(
            cluster.leader_url(), {"failover_timeout": 300}, framework_id=framework_id
        )
        try:
            assert again.framework_id == framework_id
            again.call(
                {"type": "RECONCILE", "reconcile": {"tasks": [{"task_id": {"value": "survivor"}}]}}
            )
            status = again.next_event(
                "UPDATE",
                where=lambda e: e["update"]["status"].get("reason") == "REASON_RECONCILIATION",
            )["update"]["status"]
            assert status["state"] == "TASK_RUNNING"
            tasks = requests.post(
                cluster.leader_url() + "/api/v1", json={"type": "GET_TASKS"}, timeout=5
            ).json()["get_tasks"]["tasks"]
            assert [t["task_id"]["value"] for t in tasks] == ["survivor"]
            again.call({"type": "KILL", "kill": {"task_id": {"value": "survivor"}}})
            again.update("survivor", "TASK_KILLED")
        finally:
            again.close()
        if stop_signal == signal.SIGTERM:
            assert len(_znodes(zookeeper_server)) == 1

        def follower_redirects() -> bool:
            cluster.start_master(leader)
            response = requests.post(
                cluster.masters[leader].url + "/api/v1/scheduler",
                json={},
                timeout=5,
                allow_redirects=False,
            )
            return response.status_code == 307

        wait_until(follower_redirects, 20, 0.2, "the restarted master to follow")


def test_zookeeper_silent_leader_exits_follower_steps_down_and_contends_again():
    """ZooKeeper stops answering (SIGSTOP: connections open, no replies, like a lost quorum).

    Mesos times the session out itself after --zk_session_timeout of disconnection: the leader
    commits suicide (exit 1, systemd restarts it), a follower drops the leader it knew (503)
    and contends again, leading once ZooKeeper answers again.
    """
    with ZooKeeperServer() as zookeeper:
        with SimCluster(
            masters=2, agents=0, zookeeper=zookeeper, master_flags={"zk_session_timeout": "2secs"}
        ) as cluster:
            leader = cluster.leader_index()
            follower = 1 - leader

            def follower_answers(status: int) -> bool:
                response = requests.post(
                    cluster.master_url(follower) + "/api/v1/scheduler",
                    json={},
                    timeout=5,
                    allow_redirects=False,
                )
                return response.status_code == status

            # Under load the follower may still be joining ZooKeeper: it must follow first.
            wait_until(lambda: follower_answers(307), 20, 0.2, "the follower to know the leader")
            zookeeper.pause()
            try:
                wait_until(
                    lambda: not cluster.masters[leader].running, 20, 0.2, "the leader to exit"
                )
                assert cluster.masters[leader].process.returncode == 1
                assert "committing suicide" in cluster.masters[leader].log_tail()
                wait_until(
                    lambda: follower_answers(503), 20, 0.2, "the follower to drop the old leader"
                )
                assert cluster.masters[follower].running
            finally:
                zookeeper.resume()
            assert cluster.leader_index(timeout=40) == follower
            assert "Contend again" in cluster.masters[follower].log_tail()


def test_sigterm_leader_leaves_its_zookeeper_session_to_expire(zookeeper_server):
    """Real Mesos 1.12 exits on SIGTERM without closing its ZooKeeper session: its znode, and
    its leadership as far as the other masters know, last until ZooKeeper expires the session
    (--zk_session_timeout); only then does another master lead. (mesos_sim used to close the
    session, handing over at once.) The session timeout here is long (15 s) so that reading
    ZooKeeper right after the exit is well inside it on a loaded host."""
    with SimCluster(
        masters=2,
        agents=0,
        zookeeper=zookeeper_server,
        master_flags={"zk_session_timeout": "15secs"},
    ) as cluster:
        leader = cluster.leader_index()
        follower = 1 - leader
        wait_until(lambda: len(_znodes(zookeeper_server)) == 2, 20, 0.2, "both znodes")
        before = _znodes(zookeeper_server)
        port = cluster.masters[leader].port
        leader_node = next(n for n, info in before.items() if info["address"]["port"] == port)

        cluster.stop_master(leader, signal.SIGTERM)
        assert cluster.masters[leader].process.returncode == 0
        assert leader_node in _znodes(zookeeper_server), "the stopped leader's session was closed"
        metrics = requests.get(cluster.master_url(follower) + "/metrics/snapshot", timeout=5)
        assert metrics.json()["master/elected"] == 0.0

        assert cluster.leader_index(timeout=60) == follower
        assert list(_znodes(zookeeper_server)) == [n for n in before if n != leader_node]
