"""Fixtures for the module tests: real mesos_sim processes on loopback, real ansible runs."""

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
    pytest_collection_modifyitems,
    pytest_terminal_summary,
    real_mesos_shared,
)
from tests.support.sim import SimCluster

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
    Taken by the tests of how Mesos behaves under the modules (an ansible run costs
    seconds, so not every module test runs twice); fresh, as they count what the master
    lists."""
    return clean_mesos.leader_url()


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
