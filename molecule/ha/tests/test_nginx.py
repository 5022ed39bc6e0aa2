"""Verify scenario ha: nginx (site.yml's last step) runs as one Mesos task on the r2d2 agent."""

from __future__ import annotations

import ha_probes

# site.yml's nginx has the constraint rack=r2d2.
(R2D2_AGENT,) = [a for a, attributes in ha_probes.AGENTS.items() if "rack:r2d2" in attributes]


def nginx_task(ca: str | None) -> dict:
    tasks = ha_probes.running_tasks("nginx", ca)
    assert len(tasks) == 1, f"expected one running nginx task, found {len(tasks)}"
    return tasks[0]


def task_port(task: dict) -> int:
    (ports,) = [r for r in task["resources"] if r["name"] == "ports"]
    (first,) = ports["ranges"]["range"]
    assert first["begin"] == first["end"], "nginx was given one port"
    return first["begin"]


def test_exactly_one_nginx_task_runs_on_the_r2d2_agent(ca):
    task = nginx_task(ca)
    agents = {a["agent_info"]["id"]["value"]: a for a in ha_probes.active_agents(ca)}
    agent = agents[task["agent_id"]["value"]]
    assert agent["agent_info"]["hostname"] == R2D2_AGENT
    assert ha_probes.attributes_text(agent).startswith("rack:r2d2")


def test_nginx_answers_from_the_controller(ca):
    port = task_port(nginx_task(ca))
    # nginx itself serves plain http on its task port; TLS is Mesos's, not the task's.
    response = ha_probes.get(R2D2_AGENT, port, "/", None)
    assert response.status_code == 200
    assert response.headers.get("Server", "").startswith("nginx")
