"""Fixtures for client tests: mesos_sim and real Mesos processes on loopback, real ZooKeeper."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from mesos_client import Credentials, FrameworkInfo, SchedulerSession

from tests.support.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    pytest_runtest_makereport,
    sim_cluster,
    sim_cluster_factory,
    zookeeper_server,
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


def framework(name: str = "client-test", **kwargs: object) -> FrameworkInfo:
    """A FrameworkInfo that survives reconnects (failover_timeout set)."""
    kwargs.setdefault("failover_timeout", 300.0)
    return FrameworkInfo(user=os.environ.get("USER", "root"), name=name, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def session_factory() -> Iterator[Callable[..., SchedulerSession]]:
    """``make(masters, **SchedulerSession kwargs)``; every session is closed at teardown."""
    sessions: list[SchedulerSession] = []

    def make(
        masters: str | list[str],
        info: FrameworkInfo | None = None,
        credentials: Credentials | None = None,
        **kwargs: object,
    ) -> SchedulerSession:
        session = SchedulerSession(
            masters,
            info or framework(),
            credentials=credentials,
            **kwargs,  # type: ignore[arg-type]
        )
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
