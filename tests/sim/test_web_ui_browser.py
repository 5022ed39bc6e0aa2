"""mesos_sim's page at / in a real browser (Debian's chromium, headless, via playwright).

The same checks the molecule verifier of scenario ``default`` runs against the lab
(molecule/shared/mesos_web_ui.py), here against a simulated cluster on loopback. The
screenshot lands in .cache/web-ui/loopback-sim.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lab.errors import LabError
from tests.support.sim import SEED_ATTRIBUTES

from .web_ui_task import running_task

# The molecule verifiers import these modules from molecule/shared; so do these tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "molecule" / "shared"))
import mesos_web_ui
import web_ui


def test_browser_shows_simulator_agent_attributes_and_nginx_task(sim_cluster):
    with running_task(sim_cluster):
        page = mesos_web_ui.check_simulator_ui(
            sim_cluster.leader_url(),
            agent_hostname="127.0.0.1",
            attributes=SEED_ATTRIBUTES,
            task_name="nginx",
            name="loopback-sim",
        )
    assert page.screenshot.stat().st_size > 10_000
    assert "mesos_sim master 127.0.0.1" in page.text


def test_a_page_without_the_task_fails_the_check(sim_cluster):
    with pytest.raises(AssertionError, match="never showed"):
        mesos_web_ui.check_simulator_ui(
            sim_cluster.leader_url(),
            agent_hostname="127.0.0.1",
            attributes=SEED_ATTRIBUTES,
            task_name="nginx",
            name="loopback-sim-empty",
            timeout=3,
        )


def test_browser_refuses_addresses_outside_loopback_and_lab():
    with pytest.raises(LabError, match="outside the lab subnet"):
        web_ui.render("http://10.1.2.3:5050/", expect=[], screenshot=Path("/dev/null"))
