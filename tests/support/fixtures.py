"""Reusable pytest fixtures; import them into a conftest.py:

from tests.support.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    pytest_runtest_makereport, sim_cluster, sim_cluster_factory, zookeeper_server,
)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from .sim import SimCluster
from .zookeeper import ZooKeeperServer


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    """Remember each phase's report on the item so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    return any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


@pytest.fixture
def zookeeper_server() -> Iterator[ZooKeeperServer]:
    """A real ZooKeeper server on 127.0.0.1 at a free port (``.hosts``, ``.url("/mesos")``)."""
    server = ZooKeeperServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sim_cluster_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., SimCluster]]:
    """``make(**SimCluster kwargs) -> SimCluster`` (already started); all stopped at teardown.

    On a failed test the processes' log tails are printed (pytest shows them with the failure).
    """
    clusters: list[SimCluster] = []

    def make(**kwargs: object) -> SimCluster:
        cluster = SimCluster(**kwargs)  # type: ignore[arg-type]
        clusters.append(cluster)
        return cluster.start()

    try:
        yield make
    finally:
        for cluster in clusters:
            if _failed(request):
                print(cluster.logs())
            cluster.stop()


@pytest.fixture
def sim_cluster(sim_cluster_factory: Callable[..., SimCluster]) -> SimCluster:
    """One master and one agent with the seed attributes ``rack:r2d2;pod:demo,dev``."""
    cluster = sim_cluster_factory()
    cluster.wait_for_agents()
    return cluster
