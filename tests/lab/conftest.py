"""Fixtures for lab integration tests: they boot real systemd-nspawn machines (root only).

Every test here uses inventories/labtest (192.168.33.60/.61) and the default MESOS_LAB_HOME,
since the inventory's key path points there; other labs may share the bridge meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lab_helpers import INVENTORY, down_labtest, lab, lab_available

LAB_TEST_TIMEOUT = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this directory `lab` and skip it where it cannot run."""
    reason = lab_available()
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.lab)
            # A first `up` may build the base (about a minute) or wait for another lab
            # command's lock; the suite default of 300 s is too tight for that.
            item.add_marker(pytest.mark.timeout(LAB_TEST_TIMEOUT))
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def clean_labtest() -> Iterator[None]:
    """Start from no labtest machines; remove them afterwards whatever happened."""
    down_labtest()
    try:
        yield
    finally:
        down_labtest()


@pytest.fixture(scope="module")
def labtest_up() -> Iterator[dict]:
    """The labtest lab, up for the whole module; torn down at the end even on failure."""
    down_labtest()
    start = time.monotonic()
    try:
        result = lab("up", "-i", INVENTORY)
        yield {"seconds": time.monotonic() - start, "output": result.stdout}
    finally:
        down_labtest()
