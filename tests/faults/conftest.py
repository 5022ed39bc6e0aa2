"""Fixtures of the fault suite (``make test-faults``): the HA lab, up and converged.

The session fixture ``ha_lab`` is parametrized by the Mesos it runs (faults_mesos.py,
``FAULTS_MESOS=sim|real|both``): ``sim`` is the lab of ``$MESOS_LAB_FAULTS_INVENTORY``
(default ``inventories/local-ha``), ``real`` the lab of ``inventories/local-ha-real`` (real
Apache Mesos from the .deb); every sim test runs before every real one, one lab up at a
time. On real Mesos only the files of ``faults_mesos.REAL_FILES`` run. If a lab's machines
already run and the cluster is converged (one leader, every agent registered, nginx running
once) it is used as it is and left running; otherwise ``make lab INVENTORY=...`` brings it
up, exactly as a user does, and only a lab this session brought up is taken down
(``make lab-down``) when the session is done with it.

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
    load_lab,
    make,
    require_lab_addresses,
)
from faults_mesos import REAL_FILES, SelectionError, inventory_for, selected
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
        repeat_count("sim")
        repeat_count("real")
        selected()
    except (ValueError, SelectionError) as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``ha_lab`` once per selected Mesos: ids ``sim`` and ``real``."""
    if "ha_lab" in metafunc.fixturenames:
        kinds, _ = selected()
        metafunc.parametrize("ha_lab", kinds, indirect=True, scope="session")


def _mesos_of(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    return str(callspec.params.get("ha_lab", "sim")) if callspec else "sim"


def _round_of(item: pytest.Item) -> int:
    callspec = getattr(item, "callspec", None)
    return int(callspec.params.get("round_no", 1)) if callspec else 1


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the fault tests ``lab``, give them room, skip them where no lab can run (or real
    Mesos is not run), deselect what is not run by design (on real Mesos: files not in
    REAL_FILES; rounds beyond FAULTS_REPEAT/FAULTS_REAL_REPEAT), and order them: every sim
    test, then every real one, each with the lab-restart test last."""
    reason = _why_no_lab()
    _, real_skipped = selected()
    ours, dropped, order = [], [], {"sim": 0, "real": 1}
    for item in items:
        path = Path(str(item.fspath))
        if HERE not in path.parents:
            continue
        mesos = _mesos_of(item)
        if (mesos == "real" and path.name not in REAL_FILES) or _round_of(item) > repeat_count(
            mesos
        ):
            dropped.append(item)
            continue
        ours.append(item)
        item.add_marker(pytest.mark.lab)
        item.add_marker(pytest.mark.timeout(FAULT_TEST_TIMEOUT))
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
        elif mesos == "real" and real_skipped:
            item.add_marker(pytest.mark.skip(reason=real_skipped))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    if not ours and not dropped:
        return
    mine = set(ours) | set(dropped)
    ours.sort(key=lambda item: (order.get(_mesos_of(item), 2), item.fspath.basename == RUN_LAST))
    items[:] = [item for item in items if item not in mine] + ours


@pytest.fixture(scope="session")
def ha_lab(request: pytest.FixtureRequest) -> Iterator[HaLab]:
    """The HA lab of ``request.param`` (sim or real), up and converged; taken down when the
    session moves on from it, only if this session started it."""
    lab = load_lab(inventory_for(str(request.param)))
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
