from tests.support.fixtures import pytest_runtest_makereport  # noqa: F401 - a pytest hook
