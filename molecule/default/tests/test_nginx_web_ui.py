"""Verify scenario default in a browser: the master's page at :5050 (mesos_sim's own).

Headless chromium (molecule/shared/web_ui.py) must render the page that names the simulator
and lists the agent with the seed's attributes and the running nginx task; the screenshot
is kept at .cache/web-ui/default.png. Named to sort right after test_nginx.py, before
test_reregistration.py and test_secured_master.py restart the agent and the master (which
ends the task).
"""

from __future__ import annotations

import mesos_web_ui
import scenario

MASTER_ADDRESS = scenario.MASTER_ADDRESS
AGENT_ADDRESS = scenario.AGENT_ADDRESS
SEED_ATTRIBUTES = "rack:r2d2;pod:demo,dev"
TASK_NAME = "nginx"


def test_browser_shows_simulator_agent_with_attributes_and_nginx_task():
    page = mesos_web_ui.check_simulator_ui(
        f"http://{MASTER_ADDRESS}:5050",
        agent_hostname=AGENT_ADDRESS,
        attributes=SEED_ATTRIBUTES,
        task_name=TASK_NAME,
        name="default",
    )
    assert f"mesos_sim master {MASTER_ADDRESS}" in page.text
