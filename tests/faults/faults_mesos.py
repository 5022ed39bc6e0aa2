"""Which Mesos the fault suite runs on: the simulator's HA lab, real Apache Mesos's, or both.

``FAULTS_MESOS=sim|real|both``; unset: ``both`` when a Mesos package is at hand
(``$MESOS_DEB``, else the .deb in ``../shared/mesos/`` beside the project), else ``sim``.
With ``MESOS_REAL_REQUIRED=1`` (CI sets it) a missing package is an error, not a skip.

Inventories: sim ``$MESOS_LAB_FAULTS_INVENTORY`` (default ``inventories/local-ha``), real
``$MESOS_LAB_FAULTS_REAL_INVENTORY`` (default ``inventories/local-ha-real``, package flavor).
"""

from __future__ import annotations

import os

from faults_lab import REPO_ROOT

from tests.support.real_mesos import find_deb

SELECT_ENV = "FAULTS_MESOS"
REQUIRED_ENV = "MESOS_REAL_REQUIRED"
DEB_ENV = "MESOS_DEB"
SIM_INVENTORY_ENV = "MESOS_LAB_FAULTS_INVENTORY"
REAL_INVENTORY_ENV = "MESOS_LAB_FAULTS_REAL_INVENTORY"
INVENTORIES = {"sim": "inventories/local-ha", "real": "inventories/local-ha-real"}
SHARED_DEBS = REPO_ROOT.parent / "shared" / "mesos"
CHOICES = {"sim": ("sim",), "real": ("real",), "both": ("sim", "real")}
# The rounds that run on real Mesos too. Not yet: test_stream_loss.py (its watchdog waits
# heartbeat_misses x the master's heartbeat interval; real Mesos hard-codes 15 s, so one
# round takes minutes), test_zookeeper_loss.py and test_lab_restart.py (not run on real:
# docs/failure-behaviour.md says why).
REAL_FILES = frozenset({"test_leader_loss.py", "test_agent_loss.py"})


class SelectionError(ValueError):
    """FAULTS_MESOS / MESOS_REAL_REQUIRED ask for something this host cannot give."""


def selected() -> tuple[tuple[str, ...], str | None]:
    """The Mesos kinds to run (``sim``, ``real``) and, for real without a package, why it
    is skipped (None: nothing skipped). Raises SelectionError on a bad or unmet request."""
    text = os.environ.get(SELECT_ENV, "").strip().lower()
    required = os.environ.get(REQUIRED_ENV, "").strip() == "1"
    package = find_deb()
    if text and text not in CHOICES:
        raise SelectionError(f"{SELECT_ENV} must be sim, real or both, not {text!r}")
    if not text:
        text = "both" if package or required else "sim"
    kinds = CHOICES[text]
    if "real" not in kinds or package is not None:
        return kinds, None
    why = f"no Mesos package ({DEB_ENV} unset or missing, nothing in {SHARED_DEBS})"
    if required:
        raise SelectionError(f"{REQUIRED_ENV}=1 but {why}")
    return kinds, why


def inventory_for(kind: str) -> str:
    """The inventory of the ``sim`` or ``real`` HA lab."""
    env = SIM_INVENTORY_ENV if kind == "sim" else REAL_INVENTORY_ENV
    return os.environ.get(env, "").strip() or INVENTORIES[kind]
