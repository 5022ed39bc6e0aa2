"""ZooKeeperLeaderLocator against a real ZooKeeper holding Mesos-style leader znodes."""

from __future__ import annotations

import json
import time

import pytest
from kazoo.client import KazooClient
from mesos_client import LeaderNotFound
from mesos_client.leader import ZooKeeperLeaderLocator

from tests.support.ports import free_port


def master_info(port: int) -> bytes:
    return json.dumps(
        {
            "id": f"master-{port}",
            "hostname": "localhost",
            "port": port,
            "version": "1.11.0",
            "address": {"hostname": "localhost", "ip": "127.0.0.1", "port": port},
        }
    ).encode()


@pytest.fixture
def zk(zookeeper_server):
    client = KazooClient(hosts=zookeeper_server.hosts, timeout=10)
    client.start(timeout=10)
    client.ensure_path("/mesos")
    yield client
    client.stop()
    client.close()


def register(zk: KazooClient, port: int) -> str:
    """What a master does when it joins the election: an ephemeral sequential json.info_."""
    return zk.create("/mesos/json.info_", master_info(port), ephemeral=True, sequence=True)


def test_lowest_sequence_leads_and_a_lost_leader_is_re_read(zookeeper_server, zk):
    zk.create("/mesos/log_replicas", b"")
    first = register(zk, 5051)
    register(zk, 5052)
    locator = ZooKeeperLeaderLocator(zookeeper_server.url("/mesos"))
    try:
        deadline = time.monotonic() + 10
        assert locator.current(deadline) == "http://127.0.0.1:5051"
        zk.delete(first)  # the leader's session ended
        assert locator.current(deadline) == "http://127.0.0.1:5051"  # cached until told
        locator.moved("http://127.0.0.1:5051", None)
        assert locator.current(deadline) == "http://127.0.0.1:5052"
    finally:
        locator.close()


def test_redirect_hint_is_used_only_while_zookeeper_lags(zookeeper_server, zk):
    register(zk, 5051)
    locator = ZooKeeperLeaderLocator(zookeeper_server.url("/mesos"))
    try:
        deadline = time.monotonic() + 10
        assert locator.current(deadline) == "http://127.0.0.1:5051"
        # 5051 says 5053 leads, but ZooKeeper still names 5051: trust the hint for now.
        locator.moved("http://127.0.0.1:5051", "//127.0.0.1:5053/api/v1/scheduler")
        assert locator.current(deadline) == "http://127.0.0.1:5053"
        # 5053 turns out wrong; ZooKeeper is asked again.
        locator.moved("http://127.0.0.1:5053", None)
        assert locator.current(deadline) == "http://127.0.0.1:5051"
    finally:
        locator.close()


def test_no_master_registered_is_leader_not_found(zookeeper_server, zk):
    locator = ZooKeeperLeaderLocator(zookeeper_server.url("/mesos"))
    try:
        with pytest.raises(LeaderNotFound, match="no master has registered"):
            locator.current(time.monotonic() + 5)
    finally:
        locator.close()


def test_missing_path_is_leader_not_found(zookeeper_server, zk):
    locator = ZooKeeperLeaderLocator(zookeeper_server.url("/nothing-here"))
    try:
        with pytest.raises(LeaderNotFound, match="no leader znode"):
            locator.current(time.monotonic() + 5)
    finally:
        locator.close()


def test_unreachable_zookeeper_is_leader_not_found_within_the_deadline():
    locator = ZooKeeperLeaderLocator(f"zk://127.0.0.1:{free_port()}/mesos", timeout=2)
    try:
        with pytest.raises(LeaderNotFound, match="cannot connect to ZooKeeper"):
            locator.current(time.monotonic() + 2)
    finally:
        locator.close()
