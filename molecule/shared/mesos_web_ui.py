"""What a Mesos master's web UI must show in the browser, for each flavor.

Each check opens the master's pages with ``web_ui.render``, asserts on the text the browser
rendered (table rows, not just HTTP 200) and leaves screenshots at
``<project>/.cache/web-ui/<name>-<page>.png``. Used by the molecule verifiers (scenario
``default`` on mesos_sim, ``real`` on Apache Mesos) and by the loopback tests.
"""

from __future__ import annotations

from pathlib import Path

import web_ui

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _assert_rendered(page: web_ui.RenderedPage) -> None:
    assert not page.blocked, f"the page tried to reach other addresses: {page.blocked}"
    assert not page.missing, f"{page.url} never showed {page.missing}; it showed:\n{page.text}"


def check_apache_mesos_ui(
    base_url: str, *, agent_hostname: str, task_name: str, name: str, timeout: float = 30.0
) -> list[web_ui.RenderedPage]:
    """Apache Mesos's AngularJS UI: ``/#/`` lists the task, ``/#/agents`` the agent.

    The overview's "Active Tasks" table has a row with the task's name, ``RUNNING`` (the UI
    drops the ``TASK_`` prefix) and the agent's hostname in the Host column; the agents
    table has a row with the hostname and ``Active``. The real UI shows no attributes.
    """
    overview = web_ui.render(
        f"{base_url}/#/",
        expect=["Active Tasks", task_name, "RUNNING", agent_hostname],
        screenshot=web_ui.screenshot_path(PROJECT_ROOT, f"{name}-overview"),
        timeout=timeout,
    )
    _assert_rendered(overview)
    assert overview.rows_with(task_name, "RUNNING", agent_hostname), overview.tables
    agents = web_ui.render(
        f"{base_url}/#/agents",
        expect=["Agents", agent_hostname, "Active"],
        screenshot=web_ui.screenshot_path(PROJECT_ROOT, f"{name}-agents"),
        timeout=timeout,
    )
    _assert_rendered(agents)
    assert agents.rows_with(agent_hostname, "Active"), agents.tables
    return [overview, agents]


def check_simulator_ui(
    base_url: str,
    *,
    agent_hostname: str,
    attributes: str,
    task_name: str,
    name: str,
    timeout: float = 30.0,
) -> web_ui.RenderedPage:
    """mesos_sim's own page at ``/``: says it is the simulator; agent, attributes, task."""
    page = web_ui.render(
        f"{base_url}/",
        expect=["mesos_sim", "not Apache Mesos", agent_hostname, attributes, task_name],
        screenshot=web_ui.screenshot_path(PROJECT_ROOT, name),
        timeout=timeout,
    )
    _assert_rendered(page)
    assert page.rows_with(agent_hostname, attributes), page.tables
    assert page.rows_with(task_name, "TASK_RUNNING", agent_hostname), page.tables
    return page
