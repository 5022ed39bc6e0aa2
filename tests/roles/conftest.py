from tests.support.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    pytest_runtest_makereport,
    zookeeper_server,
)
