"""The ``mesos`` fixture: each test that takes it runs on the simulator and on real Mesos.

Import into a conftest.py (with ``pytest_runtest_makereport`` and ``sim_cluster_factory``
from tests.support.fixtures):

    from tests.support.mesos_fixtures import (  # noqa: F401
        clean_mesos, mesos, mesos_factory, mesos_kind, pytest_collection_modifyitems,
        pytest_sessionfinish, pytest_terminal_summary, real_mesos_shared,
    )

``mesos`` is a started cluster (one master, one agent with the seed attributes): a fresh
simulator per test, or one real master/agent pair shared by the session (every framework is
torn down after each test). ``clean_mesos`` is a fresh cluster of either kind.
``mesos_kind`` is just the kind ("sim", "real"), for a test that starts its own clusters
with ``mesos_factory(mesos_kind, **kwargs)`` (several masters, other flags). Real Mesos
runs when a package is found (tests.support.real_mesos.find_deb); without one the real cases
skip with the reason, the run prints ``real Mesos was not run: <why>``, and with
``MESOS_REAL_REQUIRED=1`` (CI) they fail instead.

At the end of the session ``pytest_sessionfinish`` looks for processes still naming the temp
directory of a cluster built here (masters, agents, executors, tasks): it kills them by pid,
names them, and fails the session.

``@pytest.mark.sim_differs("why")`` marks a test the simulator cannot pass yet (listed in
mesos_sim/README.md "Differs from real Mesos"): strict xfail on the sim case only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mesos_client import MesosError, OperatorClient

from .fixtures import _failed
from .leftovers import kill_all, processes_under
from .ports import agent_resources
from .real_mesos import RealMesosCluster, why_not_available
from .sim import SimCluster

MESOS_KINDS = ["sim", "real"]
_not_run: set[str] = set()
_cluster_dirs: list[Path] = []  # every cluster built here, checked for leftovers at the end
_leftovers: dict[int, str] = {}


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
    for pid, cmdline in sorted(_leftovers.items()):
        terminalreporter.write_line(f"left running after the session, killed: {pid} {cmdline}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the session if a process of a cluster built here outlived it (killed by pid)."""
    found = processes_under(_cluster_dirs)
    if found:
        kill_all(found)
        _leftovers.update(found)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("sim_differs")
        params = getattr(getattr(item, "callspec", None), "params", {})
        kind = params.get("mesos") or params.get("clean_mesos") or params.get("mesos_kind")
        if marker is not None and kind == "sim":
            reason = marker.args[0] if marker.args else "differs from real Mesos"
            item.add_marker(pytest.mark.xfail(strict=True, reason=f"simulator: {reason}"))


def build_cluster(kind: str, **kwargs: object) -> SimCluster:
    """A cluster of ``kind`` ("sim" or "real"), not started (SimCluster's keyword arguments;
    ``heartbeat_interval`` is dropped for real Mesos, which has no such flag)."""
    if kind == "real":
        real_mesos_or_skip()
        kwargs.pop("heartbeat_interval", None)  # real Mesos: 15 s, no flag
        cluster: SimCluster = RealMesosCluster(**kwargs)  # type: ignore[arg-type]
    else:
        kwargs.setdefault("resources", agent_resources())  # like the real agents
        cluster = SimCluster(**kwargs)  # type: ignore[arg-type]
    _cluster_dirs.append(cluster.base_dir)
    return cluster


def start_cluster(kind: str, **kwargs: object) -> SimCluster:
    """A started cluster of ``kind`` ("sim" or "real") with its agents registered."""
    cluster = build_cluster(kind, **kwargs)
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
    """``make(kind, start=True, **cluster kwargs)``: a fresh cluster, started with its agents
    registered (``start=False``: built only, the test starts its processes), stopped at
    teardown."""
    clusters: list[SimCluster] = []

    def make(kind: str, start: bool = True, **kwargs: object) -> SimCluster:
        if not start:
            clusters.append(build_cluster(kind, **kwargs))
            return clusters[-1]
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
def mesos_kind(request: pytest.FixtureRequest) -> str:
    """ "sim" or "real" (the real case skips, or fails under MESOS_REAL_REQUIRED=1, without a
    package); with ``mesos_factory(mesos_kind, ...)`` for clusters of a test's own."""
    if request.param == "real":
        real_mesos_or_skip()
    return request.param


@pytest.fixture(params=MESOS_KINDS)
def clean_mesos(
    request: pytest.FixtureRequest, mesos_factory: Callable[..., SimCluster]
) -> SimCluster:
    """A fresh started cluster of either kind (for tests that need a master of their own)."""
    return mesos_factory(request.param)
