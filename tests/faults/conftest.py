"""Fixtures of the fault suite (``make test-faults``): the HA lab, up and converged.

The session fixture ``ha_lab`` uses the lab of ``$MESOS_LAB_FAULTS_INVENTORY`` (default
``inventories/local-ha``). If its machines already run and the cluster is converged (one
leader, every agent registered, nginx running once) it is used as it is and left running;
otherwise ``make lab INVENTORY=...`` brings it up, exactly as a user does, and only a lab this
session brought up is taken down (``make lab-down``) at the end.

Every test here is marked ``lab`` and skipped where lab machines cannot run (not root, no
systemd-nspawn). The lab-restart test runs last: it takes the whole lab down and up again.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults_lab import (
    MAKE_DOWN_TIMEOUT,
    MAKE_LAB_TIMEOUT,
    HaLab,
    all_machines_running,
    inventory_path,
    load_lab,
    make,
    require_lab_addresses,
)
from faults_record import repeat_count
from faults_steady import Nginx, is_converged, restore_everything, wait_until_steady

HERE = Path(__file__).resolve().parent
# A test's setup may bring the whole lab up (minutes on a busy host): beyond pytest's 300 s.
FAULT_TEST_TIMEOUT = 2400
RUN_LAST = "test_lab_restart.py"


def _why_no_lab() -> str | None:
    if os.geteuid() != 0:
        return "lab machines need root"
    if shutil.which("systemd-nspawn") is None:
        return "systemd-nspawn is not installed (python -m lab host-deps)"
    return None


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a bad FAULTS_REPEAT with one line, before anything runs."""
    try:
        repeat_count()
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the fault tests ``lab``, give them room, skip them where no lab can run, and move
    the lab-restart test to the end of the session."""
    reason = _why_no_lab()
    last = []
    for item in items:
        path = Path(str(item.fspath))
        if HERE not in path.parents:
            continue
        item.add_marker(pytest.mark.lab)
        item.add_marker(pytest.mark.timeout(FAULT_TEST_TIMEOUT))
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
        if path.name == RUN_LAST:
            last.append(item)
    if last:
        for item in last:
            items.remove(item)
        items.extend(last)


@pytest.fixture(scope="session")
def ha_lab() -> Iterator[HaLab]:
    """The HA lab, up and converged; taken down at the end only if this session started it."""
    lab = load_lab(inventory_path())
    started_here = not all_machines_running(lab)
    try:
        if started_here:
            make("lab", lab, MAKE_LAB_TIMEOUT)
        require_lab_addresses(lab)
        if not started_here and not is_converged(lab):
            make("lab", lab, MAKE_LAB_TIMEOUT)
        yield lab
    finally:
        if started_here:
            make("lab-down", lab, MAKE_DOWN_TIMEOUT)


@pytest.fixture
def steady_lab(ha_lab: HaLab) -> Iterator[tuple[HaLab, Nginx]]:
    """The HA lab converged before the test; after it, every fault undone and converged again."""
    nginx = wait_until_steady(ha_lab)
    try:
        yield ha_lab, nginx
    finally:
        restore_everything(ha_lab)
        wait_until_steady(ha_lab)
