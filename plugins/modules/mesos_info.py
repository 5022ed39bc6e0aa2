#!/usr/bin/python
# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ansible module mesos_info: read-out of a Mesos cluster through the operator API."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mesos_info
short_description: Read the health, version and state of an Apache Mesos cluster
description:
  - Asks the leading Mesos master with the v1 operator API (C(POST /api/v1)) for its health,
    version and state, and returns them in a shape that is easy to use in templates and
    conditions (agents with their attributes as a dict, frameworks, tasks).
  - Read-only; the same in check mode.
version_added: "1.0.0"
author:
  - mesos-lab maintainers (@mesoslab)
extends_documentation_fragment:
  - mesoslab.mesos.mesos
  - mesoslab.mesos.attributes.info_module
options:
  principal:
    description:
      - HTTP Basic principal for masters started with C(--authenticate_http_readonly).
    type: str
  secret:
    description: Secret for I(principal).
    type: str
  timeout:
    description: Seconds each operator call may take, finding the leader included.
    type: float
    default: 15
seealso:
  - module: mesoslab.mesos.mesos_task
  - module: mesoslab.mesos.mesos_offer_info
"""

EXAMPLES = r"""
- name: Read the cluster
  mesoslab.mesos.mesos_info:
    master: http://192.168.33.10:5050
  register: mesos

- name: The agents and their racks
  ansible.builtin.debug:
    msg: "{{ mesos.agents | map(attribute='attributes.rack') | list }}"

- name: Fail unless the nginx task runs
  ansible.builtin.assert:
    that: >-
      mesos.tasks | selectattr('id', 'equalto', 'nginx')
      | selectattr('state', 'equalto', 'TASK_RUNNING') | list | length == 1

- name: Read a cluster that serves HTTPS only (LIBPROCESS_SSL_ENABLED=true), found in ZooKeeper
  mesoslab.mesos.mesos_info:
    master: zk://192.168.33.10:2181/mesos
    tls: true
    ca_path: /etc/mesos/ssl/ca.pem  # the lab CA; the default when it exists on the target

# ad hoc: ansible mesos_masters -m mesoslab.mesos.mesos_info
"""

RETURN = r"""
master:
  description: The leading master the module talked to (base URL).
  returned: always
  type: str
  sample: http://192.168.33.10:5050
healthy:
  description: Whether C(GET_HEALTH) reported the master healthy.
  returned: always
  type: bool
version:
  description: The master's version info (C(GET_VERSION)).
  returned: always
  type: dict
  sample: {"version": "1.11.0", "build_user": "..."}
summary:
  description: Counts of agents, frameworks and tasks per state.
  returned: always
  type: dict
  sample: {"agents": 1, "active_agents": 1, "frameworks": 1, "tasks": {"TASK_RUNNING": 1}}
agents:
  description: Registered agents.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Agent id.
      type: str
    hostname:
      description: Agent host name.
      type: str
    active:
      description: Whether the agent is active.
      type: bool
    attributes:
      description: Attributes as a dict (as in M(mesoslab.mesos.mesos_offer_info)).
      type: dict
      sample: {"rack": "r2d2", "pod": "demo,dev"}
    resources:
      description: Total resources, summed per name (as in M(mesoslab.mesos.mesos_offer_info)).
      type: dict
frameworks:
  description: Frameworks the master knows (active, inactive and completed).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Framework id.
      type: str
    name:
      description: Framework name.
      type: str
    active:
      description: Whether a scheduler is connected.
      type: bool
    connected:
      description: Whether the framework is connected.
      type: bool
    completed:
      description: Whether the framework was torn down.
      type: bool
tasks:
  description: Tasks the master knows, including completed ones.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Task id.
      type: str
    name:
      description: Task name.
      type: str
    state:
      description: Mesos task state.
      type: str
    framework_id:
      description: Owning framework.
      type: str
    agent_id:
      description: Agent running (or that ran) the task.
      type: str
"""

from ansible_collections.mesoslab.mesos.plugins.module_utils.mesos_module import (
    MASTER_OPTIONS,
    MesosModule,
    client,
)


def _value(obj, key):
    return (obj.get(key) or {}).get("value")


def agent_view(agent):
    """One agent of GET_AGENTS."""
    info = agent.get("agent_info", {})
    resources = agent.get("total_resources") or info.get("resources", [])
    return {
        "id": _value(info, "id"),
        "hostname": info.get("hostname", ""),
        "active": bool(agent.get("active", False)),
        "attributes": client.attributes_dict(info.get("attributes", [])),
        "resources": client.resources_summary(resources),
    }


def framework_view(framework, completed):
    """One framework of GET_FRAMEWORKS."""
    info = framework.get("framework_info", {})
    return {
        "id": _value(info, "id"),
        "name": info.get("name", ""),
        "active": bool(framework.get("active", False)),
        "connected": bool(framework.get("connected", False)),
        "completed": completed,
    }


def task_view(task, hostnames):
    """One task of GET_TASKS."""
    agent_id = _value(task, "agent_id")
    return {
        "id": _value(task, "task_id"),
        "name": task.get("name", ""),
        "state": task.get("state", ""),
        "framework_id": _value(task, "framework_id"),
        "agent_id": agent_id,
        "hostname": hostnames.get(agent_id, ""),
    }


TASK_LISTS = ("pending_tasks", "tasks", "unreachable_tasks", "completed_tasks")


def read_cluster(operator):
    """Health, version and GET_STATE, shaped for templates."""
    healthy = operator.get_health()
    version = operator.get_version()
    state = operator.get_state()
    agents = [agent_view(a) for a in state.get("get_agents", {}).get("agents", [])]
    hostnames = {agent["id"]: agent["hostname"] for agent in agents}
    frameworks_answer = state.get("get_frameworks", {})
    frameworks = [framework_view(f, False) for f in frameworks_answer.get("frameworks", [])]
    frameworks += [
        framework_view(f, True) for f in frameworks_answer.get("completed_frameworks", [])
    ]
    tasks_answer = state.get("get_tasks", {})
    tasks = [task_view(t, hostnames) for key in TASK_LISTS for t in tasks_answer.get(key, [])]
    per_state = {}
    for task in tasks:
        per_state[task["state"]] = per_state.get(task["state"], 0) + 1
    summary = {
        "agents": len(agents),
        "active_agents": sum(1 for agent in agents if agent["active"]),
        "frameworks": sum(1 for f in frameworks if not f["completed"]),
        "completed_frameworks": sum(1 for f in frameworks if f["completed"]),
        "tasks": per_state,
    }
    return {
        "master": operator.leader_url,
        "healthy": healthy,
        "version": version,
        "summary": summary,
        "agents": agents,
        "frameworks": frameworks,
        "tasks": tasks,
    }


ARGUMENT_SPEC = {
    "principal": {"type": "str"},
    "secret": {"type": "str", "no_log": True},
    "timeout": {"type": "float", "default": 15.0},
    **MASTER_OPTIONS,
}


def main():
    """Run the module."""
    module = MesosModule(
        ARGUMENT_SPEC, required_together=[("principal", "secret")], supports_check_mode=True
    )

    def read(access):
        with access.operator() as operator:
            return dict(read_cluster(operator), changed=False)

    module.run(read)


if __name__ == "__main__":
    main()
