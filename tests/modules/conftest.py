"""Fixtures for the module tests: mesos_sim and real Mesos on loopback, real ansible runs.

Which master a test takes says what it is about:

- ``master`` (a fresh simulator): the module's own behaviour (arguments, check-mode
  planning, messages before any call), where a second Mesos would prove nothing;
- ``shared_master``: how Mesos answers, on both kinds, for a test that does not count what
  the master lists (the real side is the session's one pair, frameworks torn down after);
- ``any_master``: the same on a fresh master of each kind, for a test that counts tasks or
  frameworks (a shared real master keeps earlier tests' completed ones);
- ``mesos_kind`` with ``mesos_factory(mesos_kind, **kwargs)``: clusters of a test's own
  (several masters, authentication, other flags).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from mesos_client import OperatorClient

from tests.support.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    pytest_runtest_makereport,
    sim_cluster_factory,
)
from tests.support.mesos_fixtures import (  # noqa: F401
    clean_mesos,
    mesos,
    mesos_factory,
    mesos_kind,
    pytest_collection_modifyitems,
    pytest_sessionfinish,
    pytest_terminal_summary,
    real_mesos_shared,
)
from tests.support.sim import SimCluster
from tests.support.zookeeper import ZooKeeperServer, zookeeper_available

from .sim_setup import agent_resources


@pytest.fixture
def cluster_factory(
    sim_cluster_factory: Callable[..., SimCluster],  # noqa: F811
) -> Callable[..., SimCluster]:
    """``make(**SimCluster kwargs)``: started, agents registered, ports of their own."""

    def make(**kwargs: object) -> SimCluster:
        kwargs.setdefault("resources", agent_resources())
        started = sim_cluster_factory(**kwargs)
        started.wait_for_agents()
        return started

    return make


@pytest.fixture
def cluster(cluster_factory: Callable[..., SimCluster]) -> SimCluster:
    """One master and one agent (rack:r2d2;pod:demo,dev)."""
    return cluster_factory()


@pytest.fixture
def master(cluster: SimCluster) -> str:
    """URL of the cluster's leading master."""
    return cluster.leader_url()


@pytest.fixture
def any_master(clean_mesos: SimCluster) -> str:  # noqa: F811
    """URL of a fresh master of each kind (``clean_mesos``): the simulator and real Mesos.
    Taken by the tests of how Mesos behaves under the modules that count what the master
    lists (fresh, so nothing of an earlier test is listed)."""
    return clean_mesos.leader_url()


@pytest.fixture
def shared_master(mesos: SimCluster) -> str:  # noqa: F811
    """URL of a master of each kind (``mesos``): a fresh simulator, or the session's real
    pair (its frameworks torn down after the test). For tests of how Mesos answers that do
    not count what the master lists."""
    return mesos.leader_url()


@pytest.fixture
def zookeeper() -> Iterator[ZooKeeperServer]:
    """A real ZooKeeper on loopback (the test skips without one). Take it before
    ``mesos_factory`` so that the masters stop before it does."""
    reason = zookeeper_available()
    if reason:
        pytest.skip(reason)
    with ZooKeeperServer() as server:
        yield server


@pytest.fixture
def operator_factory() -> Iterator[Callable[[str], OperatorClient]]:
    """``make(master_url)`` -> an OperatorClient for checking what the modules did."""
    clients: list[OperatorClient] = []

    def make(url: str) -> OperatorClient:
        client = OperatorClient(url, timeout=10)
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            client.close()
