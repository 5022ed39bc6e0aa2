"""Fixtures for the simulator tests (shared ones come from tests.support.fixtures)."""

from tests.support.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    pytest_runtest_makereport,
    sim_cluster,
    sim_cluster_factory,
    zookeeper_server,
)
