"""The ``mesos`` fixture: each test that takes it runs on the simulator and on real Mesos.

Import into a conftest.py (with ``pytest_runtest_makereport`` and ``sim_cluster_factory``
from tests.support.fixtures):

    from tests.support.mesos_fixtures import (  # noqa: F401
        clean_mesos, mesos, mesos_factory, pytest_collection_modifyitems,
        pytest_terminal_summary, real_mesos_shared,
    )

``mesos`` is a started cluster (one master, one agent with the seed attributes): a fresh
simulator per test, or one real master/agent pair shared by the session (every framework is
torn down after each test). ``clean_mesos`` is a fresh cluster of either kind. Real Mesos
runs when a package is found (tests.support.real_mesos.find_deb); without one the real cases
skip with the reason, the run prints ``real Mesos was not run: <why>``, and with
``MESOS_REAL_REQUIRED=1`` (CI) they fail instead.

``@pytest.mark.sim_differs("why")`` marks a test the simulator cannot pass yet (listed in
mesos_sim/README.md "Differs from real Mesos"): strict xfail on the sim case only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator

import pytest
from mesos_client import MesosError, OperatorClient

from .fixtures import _failed
from .ports import agent_resources
from .real_mesos import RealMesosCluster, why_not_available
from .sim import SimCluster

MESOS_KINDS = ["sim", "real"]
_not_run: set[str] = set()


def real_mesos_or_skip() -> None:
    """Skip (or fail under MESOS_REAL_REQUIRED=1) when real Mesos cannot run here."""
    reason = why_not_available()
    if reason is None:
        return
    _not_run.add(reason)
    if os.environ.get("MESOS_REAL_REQUIRED") == "1":
        pytest.fail(f"real Mesos is required (MESOS_REAL_REQUIRED=1) but: {reason}")
    pytest.skip(f"real Mesos was not run: {reason}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for reason in sorted(_not_run):
        terminalreporter.write_line(f"real Mesos was not run: {reason}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("sim_differs")
        params = getattr(getattr(item, "callspec", None), "params", {})
        kind = params.get("mesos") or params.get("clean_mesos") or params.get("mesos_kind")
        if marker is not None and kind == "sim":
            reason = marker.args[0] if marker.args else "differs from real Mesos"
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"simulator: {reason}"))


def start_cluster(kind: str, **kwargs: object) -> SimCluster:
    """A started cluster of ``kind`` ("sim" or "real") with its agents registered."""
    if kind == "real":
        real_mesos_or_skip()
        kwargs.pop("heartbeat_interval", None)  # real Mesos: 15 s, no flag
        cluster: SimCluster = RealMesosCluster(**kwargs)  # type: ignore[arg-type]
    else:
        kwargs.setdefault("resources", agent_resources())  # like the real agents
        cluster = SimCluster(**kwargs)  # type: ignore[arg-type]
    try:
        cluster.start()
        cluster.wait_for_agents(timeout=60)
    except BaseException:
        print(cluster.logs())
        cluster.stop()
        raise
    return cluster


def tear_down_frameworks(cluster: SimCluster) -> None:
    """TEARDOWN every framework the master knows (a shared master starts each test clean)."""
    with OperatorClient(cluster.master_url(), timeout=10) as operator:
        for framework in operator.get_frameworks():
            with contextlib.suppress(MesosError):
                operator.teardown(framework["framework_info"]["id"]["value"])


@pytest.fixture(scope="session")
def real_mesos_shared() -> Iterator[SimCluster]:
    """One real master and agent for the whole session (skips without a package)."""
    real_mesos_or_skip()
    cluster = start_cluster("real")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def mesos_factory(request: pytest.FixtureRequest) -> Iterator[Callable[..., SimCluster]]:
    """``make(kind, **cluster kwargs)``: a fresh started cluster, stopped at teardown."""
    clusters: list[SimCluster] = []

    def make(kind: str, **kwargs: object) -> SimCluster:
        cluster = start_cluster(kind, **kwargs)
        clusters.append(cluster)
        return cluster

    try:
        yield make
    finally:
        for cluster in clusters:
            if _failed(request):
                print(cluster.logs())
            cluster.stop()


@pytest.fixture(params=MESOS_KINDS)
def mesos(
    request: pytest.FixtureRequest, mesos_factory: Callable[..., SimCluster]
) -> Iterator[SimCluster]:
    """A started cluster: fresh simulator, or the session's shared real master/agent."""
    if request.param == "sim":
        yield mesos_factory("sim")
        return
    cluster = request.getfixturevalue("real_mesos_shared")
    try:
        yield cluster
    finally:
        if _failed(request):
            print(cluster.logs())
        tear_down_frameworks(cluster)


@pytest.fixture(params=MESOS_KINDS)
def clean_mesos(
    request: pytest.FixtureRequest, mesos_factory: Callable[..., SimCluster]
) -> SimCluster:
    """A fresh started cluster of either kind (for tests that need a master of their own)."""
    return mesos_factory(request.param)
