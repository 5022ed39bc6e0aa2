"""One fresh simulator and one fresh real Mesos (master + agent each) for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.mesos_fixtures import pytest_terminal_summary as real_not_run_summary
from tests.support.mesos_fixtures import real_mesos_or_skip, start_cluster
from tests.support.sim import SimCluster

from .report import REPORT


@pytest.fixture(scope="session")
def clusters() -> Iterator[dict[str, SimCluster]]:
    """``{"real": ..., "sim": ...}``, both started with the seed attributes."""
    real_mesos_or_skip()
    started: dict[str, SimCluster] = {}
    try:
        started["real"] = start_cluster("real")
        started["sim"] = start_cluster("sim", heartbeat_interval=1.0)
        yield started
    finally:
        for cluster in started.values():
            cluster.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    real_not_run_summary(terminalreporter)
    for line in REPORT.summary_lines():
        terminalreporter.write_line(line)
