"""Verify scenario real in a browser: Apache Mesos's own web UI at :5050.

Headless chromium (molecule/shared/web_ui.py) opens the AngularJS UI the master serves from
/usr/share/mesos/webui; after its JavaScript has fetched the master's state, the overview's
"Active Tasks" table must have the nginx task RUNNING on the agent and the agents table the
agent, Active. Screenshots: .cache/web-ui/real-overview.png and real-agents.png. (The real
UI shows no agent attributes; test_agent.py checks them through the API.) Named to sort
right after test_nginx.py, before any test that restarts the agent and ends the task.
"""

from __future__ import annotations

import mesos_web_ui
import scenario

MASTER_ADDRESS = scenario.MASTER_ADDRESS
AGENT_ADDRESS = scenario.AGENT_ADDRESS
TASK_NAME = "nginx"
VERSION = "1.12.0"


def test_browser_shows_apache_mesos_ui_with_agent_and_nginx_task():
    overview, agents = mesos_web_ui.check_apache_mesos_ui(
        f"http://{MASTER_ADDRESS}:5050",
        agent_hostname=AGENT_ADDRESS,
        task_name=TASK_NAME,
        name="real",
    )
    assert VERSION in overview.text
    assert "mesos_sim" not in overview.text + agents.text
