"""Fixtures for the simulator tests (shared ones come from tests.support.fixtures)."""

import pytest

from tests.support.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    pytest_runtest_makereport,
    sim_cluster,
    sim_cluster_factory,
    zookeeper_server,
)

from .tls_certs import Pki, make_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A throwaway lab CA, certificates for 127.0.0.1 and an unrelated CA (one per session)."""
    return make_pki(tmp_path_factory.mktemp("pki"))
