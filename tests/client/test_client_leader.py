"""Leader handling against three masters electing through a real ZooKeeper: mesos_sim, and
real Mesos (its masters share a replicated log, quorum 2, so one may fail)."""

from __future__ import annotations

import shutil
import signal

import pytest
from client_helpers import raw_post
from mesos_client import MesosError, OperatorClient
from mesos_client.leader import ZooKeeperLeaderLocator
from not_a_master import answering_404

from tests.support.wait import wait_until

MASTERS = 3
# A crashed leader's ZooKeeper session ends after this (Mesos's default: 10secs); real Mesos
# also keeps a SIGTERMed leader's session until then. Shorter, so a failover round is quick.
FAST_FAILOVER = {"zk_session_timeout": "3secs"}


def ha_cluster(mesos_factory, kind, zookeeper_server, **kwargs):
    return mesos_factory(kind, masters=MASTERS, agents=1, zookeeper=zookeeper_server, **kwargs)


def a_follower(cluster, leader: int):
    return next(m for i, m in enumerate(cluster.masters) if i != leader)


def test_non_leader_answers_307_with_the_leader_location(
    zookeeper_server, mesos_kind, mesos_factory
):
    cluster = ha_cluster(mesos_factory, mesos_kind, zookeeper_server)
    leader = cluster.leader_index()
    status, headers, _body = raw_post(
        a_follower(cluster, leader).url + "/api/v1/scheduler",
        {"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "u", "name": "n"}}},
    )
    assert status == 307
    assert headers["Location"].startswith(f"//{cluster.masters[leader].address}")


def test_subscribe_through_a_non_leader_ends_at_the_leader(
    zookeeper_server, mesos_kind, mesos_factory, session_factory
):
    cluster = ha_cluster(mesos_factory, mesos_kind, zookeeper_server)
    leader = cluster.leader_index()
    follower = a_follower(cluster, leader)
    session = session_factory([follower.url])  # only the follower is known
    subscription = session.subscribe(timeout=20)
    assert subscription.leader_url == cluster.masters[leader].url
    session.revive()
    with OperatorClient([follower.url]) as operator:
        assert operator.get_master()["master_info"]["port"] == cluster.masters[leader].port
        assert operator.leader_url == cluster.masters[leader].url


def test_zookeeper_locator_reads_the_leader(zookeeper_server, mesos_kind, mesos_factory):
    cluster = ha_cluster(mesos_factory, mesos_kind, zookeeper_server)
    locator = ZooKeeperLeaderLocator(zookeeper_server.url("/mesos"))
    try:
        assert locator.current(deadline=float("inf")) == cluster.leader_url()
    finally:
        locator.close()


def test_leader_change_via_zookeeper_resubscribes_with_the_same_framework_id(
    zookeeper_server, mesos_kind, mesos_factory, session_factory
):
    cluster = ha_cluster(mesos_factory, mesos_kind, zookeeper_server, master_flags=FAST_FAILOVER)
    session = session_factory(zookeeper_server.url("/mesos"), reconnect_timeout=60)
    first = session.subscribe(timeout=20)
    old_leader = cluster.leader_index()
    assert first.leader_url == cluster.masters[old_leader].url
    cluster.stop_master(old_leader, signal.SIGTERM)
    new_leader_url = cluster.leader_url(timeout=30)
    assert new_leader_url != first.leader_url
    wait_until(lambda: session.subscriptions >= 2, 60, 0.1, "re-subscription to the new leader")
    second = session.subscription
    assert second.framework_id == first.framework_id
    assert second.leader_url == new_leader_url
    assert second.stream_id != first.stream_id
    session.reconcile()  # calls go to the new leader with the new stream id
    with OperatorClient(zookeeper_server.url("/mesos")) as operator:
        ids = [f["framework_info"]["id"]["value"] for f in operator.get_frameworks()]
    assert first.framework_id in ids


def test_leader_crash_with_a_url_list_moves_to_the_next_master(
    zookeeper_server, mesos_kind, mesos_factory, session_factory
):
    cluster = ha_cluster(mesos_factory, mesos_kind, zookeeper_server, master_flags=FAST_FAILOVER)
    urls = [m.url for m in cluster.masters]
    session = session_factory(urls, reconnect_timeout=90)
    first = session.subscribe(timeout=20)
    old_leader = cluster.leader_index()
    cluster.stop_master(old_leader, signal.SIGKILL)
    new_leader_url = cluster.leader_url(timeout=60)
    assert new_leader_url != cluster.masters[old_leader].url
    wait_until(lambda: session.subscriptions >= 2, 90, 0.1, "re-subscription after a crash")
    assert session.subscription.framework_id == first.framework_id
    assert session.subscription.leader_url == new_leader_url
    session.revive()


def test_subscribe_while_the_master_is_still_starting_and_electing(
    zookeeper_server, mesos_kind, mesos_factory, session_factory
):
    """Connection refused, then 503 (no leader elected yet), then SUBSCRIBED: all retried.
    Real Mesos also answers 404 for a moment after it starts listening, before the master
    has installed its routes (the client took that for a refusal; it now retries it)."""
    cluster = mesos_factory(
        mesos_kind, masters=1, agents=0, zookeeper=zookeeper_server, start=False
    )
    session = session_factory([cluster.masters[0].url])
    cluster.masters[0].start(wait=False)
    subscription = session.subscribe(timeout=30)
    assert subscription.leader_url == cluster.masters[0].url


@pytest.mark.skipif(shutil.which("nginx") is None, reason="apt-get install nginx-light")
def test_an_address_answering_404_is_passed_over(mesos, session_factory):
    """404 on /api/v1/scheduler (what a real master answers for a moment after it starts;
    here a web server at an address that is no master) moves on to the next master; such an
    address alone fails in time, naming the 404."""
    with answering_404() as not_a_master:
        session = session_factory([not_a_master, mesos.master_url()])
        assert session.subscribe(timeout=15).leader_url == mesos.master_url()
        alone = session_factory([not_a_master])
        with pytest.raises(MesosError) as info:
            alone.subscribe(timeout=3)
        assert f"{not_a_master} answered 404" in str(info.value)
