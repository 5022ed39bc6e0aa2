"""The client against TLS mesos_sim masters (LIBPROCESS_SSL_* on, a throwaway lab CA): with
``ca_path`` it subscribes, gets offers and launches a task over TLS; without it, or with
another CA, it refuses with TLSError; a zk:// or URL-list client finds the TLS leader and
follows a follower's protocol-relative redirect with https."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from client_helpers import wait_task_state
from mesos_client import (
    FrameworkInfo,
    OfferMatch,
    OperatorClient,
    ResourceRequest,
    SchedulerSession,
    TLSError,
    command_task,
    match_offer,
)

from tests.sim.tls_certs import Pki, make_pki
from tests.sim.tls_cluster import TlsCluster, tls_env


def framework(name: str) -> FrameworkInfo:
    """A FrameworkInfo for these tests (the agent runs tasks as its own user)."""
    return FrameworkInfo(user="root", name=name, failover_timeout=60.0)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A lab CA, a certificate for 127.0.0.1 signed by it, and an unrelated CA."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_cluster(pki: Pki) -> Iterator[TlsCluster]:
    """One TLS master and one TLS agent, shared by this module's tests."""
    with TlsCluster(tls_env(pki), str(pki.ca)) as cluster:
        cluster.wait_for_agents()
        yield cluster


def _launch_sleep(session: SchedulerSession, name: str) -> tuple[str, str]:
    for _attempt in range(5):
        offers = session.wait_for("OFFERS", 15).offers
        for offer in offers:
            match = match_offer(offer, ResourceRequest(cpus=0.1, mem=16))
            if isinstance(match, OfferMatch):
                task = command_task(match, name, "sleep 60")
                session.launch([offer["id"]], [task], filters=1)
                return task["task_id"]["value"], match.agent_id
    raise AssertionError("no offer fit the task")


def test_scheduler_subscribes_gets_offers_and_launches_over_tls(pki, tls_cluster, session_factory):
    url = tls_cluster.masters[0].url
    assert url.startswith("https://")
    session = session_factory(url, framework("tls"), ca_path=str(pki.ca))
    subscription = session.subscribe(timeout=15)
    assert subscription.leader_url == url
    task_id, agent_id = _launch_sleep(session, "tls-task")
    wait_task_state(session, task_id, "TASK_RUNNING", timeout=30)
    with OperatorClient(url, ca_path=str(pki.ca), timeout=10) as operator:
        assert operator.get_health() is True
        assert [a["agent_info"]["id"]["value"] for a in operator.get_agents()] == [agent_id]
        assert {t["task_id"]["value"] for t in operator.get_tasks()} >= {task_id}
    session.kill(task_id, agent_id)
    wait_task_state(session, task_id, "TASK_KILLED", timeout=30)


@pytest.mark.parametrize("ca", [None, "other"], ids=["system CAs", "another CA"])
def test_an_untrusted_master_is_refused_with_tls_error(pki, tls_cluster, session_factory, ca):
    url = tls_cluster.masters[0].url
    ca_path = None if ca is None else str(pki.other_ca)
    with (
        OperatorClient(url, ca_path=ca_path, timeout=30) as client,
        pytest.raises(TLSError) as info,
    ):
        client.get_health()  # fails at once: a bad certificate is not retried
    assert "TLS verification failed" in str(info.value)
    session = session_factory(url, framework("untrusted"), ca_path=ca_path)
    with pytest.raises(TLSError):
        session.subscribe(timeout=30)


@pytest.mark.zookeeper
def test_tls_leader_found_through_zookeeper_and_redirects(pki, zookeeper_server, session_factory):
    with TlsCluster(tls_env(pki), str(pki.ca), masters=2, zookeeper=zookeeper_server) as cluster:
        leader = cluster.leader()
        follower = next(m for m in cluster.masters if m is not leader)
        cluster.wait_for_agents()
        via_zk = session_factory(
            zookeeper_server.url("/mesos"), framework("zk-tls"), ca_path=str(pki.ca), scheme="https"
        )
        assert via_zk.subscribe(timeout=20).leader_url == leader.url
        via_zk.close(teardown=True)  # its offers go to the next framework
        # The follower answers 307 with Location //127.0.0.1:<leader port>/...; the client
        # must keep https for it.
        via_follower = session_factory(
            [follower.url, leader.url], framework("follower-tls"), ca_path=str(pki.ca)
        )
        assert via_follower.subscribe(timeout=20).leader_url == leader.url
        task_id, agent_id = _launch_sleep(via_follower, "after-redirect")
        wait_task_state(via_follower, task_id, "TASK_RUNNING", timeout=30)
        via_follower.kill(task_id, agent_id)
        wait_task_state(via_follower, task_id, "TASK_KILLED", timeout=30)
