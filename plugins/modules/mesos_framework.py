#!/usr/bin/python
# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ansible module mesos_framework: register or tear down a Mesos framework."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mesos_framework
short_description: Register or tear down an Apache Mesos framework
description:
  - I(state=present) makes sure a framework with this I(name) is registered and returns its
    id. A new framework is subscribed with a C(failover_timeout), so it stays registered after
    the module disconnects. An existing one (found by name with C(GET_FRAMEWORKS)) is left
    alone, unless its C(failover_timeout) or role differ; then the module re-subscribes as it
    with the new settings (a scheduler connected as that framework is failed over).
  - The framework is registered with offers suppressed; M(mesoslab.mesos.mesos_task) revives
    them when it launches a task as that framework.
  - I(state=absent) tears the framework down with the operator call C(TEARDOWN), found by
    I(framework_id) or by I(name). Mesos kills every task of the framework.
version_added: "1.0.0"
author:
  - mesos-lab maintainers (@mesoslab)
extends_documentation_fragment:
  - mesoslab.mesos.mesos
options:
  state:
    description: Whether the framework should be registered.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Framework name. With I(state=absent) every active or inactive framework of that
        name is torn down.
    type: str
  framework_id:
    description: Id of the framework (instead of, or to disambiguate, I(name)).
    type: str
  user:
    description: Unix user of the framework (I(state=present)).
    type: str
    default: root
  role:
    description: Role to subscribe with (I(state=present)).
    type: str
    default: "*"
  principal:
    description: Principal; with I(secret) also the HTTP Basic credentials.
    type: str
  secret:
    description: Secret for I(principal).
    type: str
  failover_timeout:
    description: Seconds Mesos keeps the framework after the scheduler disconnects.
    type: float
    default: 604800
  timeout:
    description: Seconds to wait for the master to confirm the subscription or teardown.
    type: float
    default: 30
attributes:
  check_mode:
    support: full
    description: Reads the framework list; never subscribes or tears down.
  diff_mode:
    support: none
    description: The module reports no diff.
seealso:
  - module: mesoslab.mesos.mesos_task
  - module: mesoslab.mesos.mesos_info
"""

EXAMPLES = r"""
- name: Register the lab's framework and remember its id
  mesoslab.mesos.mesos_framework:
    name: mesos-lab
  register: fw

- name: Tear it down (kills its tasks)
  mesoslab.mesos.mesos_framework:
    name: mesos-lab
    state: absent

# ad hoc: ansible mesos_masters -m mesoslab.mesos.mesos_framework -a "name=mesos-lab state=absent"
"""

RETURN = r"""
framework_id:
  description: Id of the framework (I(state=present)); C(null) in check mode for a new one.
  returned: when state is present
  type: str
  sample: 4f1a8d4e-7e43-4bd8-8c79-2b8d2b0a2d41-0000
changes:
  description: What made the module subscribe (C(new), or the fields that differed).
  returned: when state is present and changed
  type: list
  elements: str
  sample: [failover_timeout]
torn_down:
  description: Ids of the frameworks torn down (or that would be, in check mode).
  returned: when state is absent
  type: list
  elements: str
"""

from ansible_collections.mesoslab.mesos.plugins.module_utils.mesos_module import (
    MASTER_OPTIONS,
    MesosModule,
    ModuleFailure,
    client,
)


def _id_of(framework):
    return (framework.get("framework_info", {}).get("id") or {}).get("value")


def select(frameworks, name, framework_id):
    """Registered frameworks with that id and/or name."""
    return [
        f
        for f in frameworks
        if (framework_id is None or _id_of(f) == framework_id)
        and (name is None or f.get("framework_info", {}).get("name") == name)
    ]


def wanted_info(params):
    """The FrameworkInfo to subscribe with."""
    return client.FrameworkInfo.from_options(params)


def differences(framework, wanted):
    """Fields of the registered FrameworkInfo that a re-subscription would change."""
    have = framework.get("framework_info", {})
    want = wanted.to_json()
    changed = []
    if float(have.get("failover_timeout") or 0.0) != float(want.get("failover_timeout") or 0.0):
        changed.append("failover_timeout")
    if sorted(have.get("roles") or [have.get("role", "*")]) != sorted(want["roles"]):
        changed.append("roles")
    return changed


def subscribe(params, access, framework_id):
    """Subscribe (as ``framework_id`` when given), then disconnect; return the id."""
    session = access.session(wanted_info(params), framework_id=framework_id, reconnect_timeout=0.0)
    try:
        subscription = session.subscribe(timeout=params["timeout"])
        session.suppress()  # it has no scheduler behind it: do not hold offers
    finally:
        session.close()
    return subscription.framework_id


def ensure_present(module, operator, access):
    """state=present: register the framework, or update it when its info differs."""
    params = module.params
    found = select(operator.get_frameworks(), params["name"], params["framework_id"])
    if len(found) > 1:
        ids = ", ".join(_id_of(f) for f in found)
        raise ModuleFailure(
            f"{len(found)} frameworks are named {params['name']!r} ({ids}); give framework_id"
        )
    if params["framework_id"] and not found:
        raise ModuleFailure(
            f"framework {params['framework_id']} is not registered (or has been torn down)"
        )
    current = found[0] if found else None
    changes = differences(current, wanted_info(params)) if current else ["new"]
    if not changes:
        return {"changed": False, "framework_id": _id_of(current)}
    if module.check_mode:
        return {
            "changed": True,
            "framework_id": _id_of(current) if current else None,
            "changes": changes,
        }
    framework_id = subscribe(params, access, _id_of(current) if current else None)
    return {"changed": True, "framework_id": framework_id, "changes": changes}


def ensure_absent(module, operator, access):
    """state=absent: TEARDOWN every matching framework."""
    params = module.params
    found = select(operator.get_frameworks(), params["name"], params["framework_id"])
    ids = [_id_of(f) for f in found]
    if ids and not module.check_mode:
        for framework_id in ids:
            operator.teardown(framework_id)
    return {"changed": bool(ids), "torn_down": ids}


STATE_HANDLERS = {"present": ensure_present, "absent": ensure_absent}

ARGUMENT_SPEC = {
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "name": {"type": "str"},
    "framework_id": {"type": "str"},
    "user": {"type": "str", "default": "root"},
    "role": {"type": "str", "default": "*"},
    "principal": {"type": "str"},
    "secret": {"type": "str", "no_log": True},
    "failover_timeout": {"type": "float", "default": 604800.0},
    "timeout": {"type": "float", "default": 30.0},
    **MASTER_OPTIONS,
}


def check_params(params):
    """Checks argument_spec cannot express; raises ModuleFailure naming the option."""
    for name in ("name", "framework_id", "user", "role"):
        if params[name] is not None and not params[name].strip():
            raise ModuleFailure(f"{name} must not be empty")
    if params["failover_timeout"] < 0:
        raise ModuleFailure("failover_timeout must not be negative")


def main():
    """Run the module."""
    module = MesosModule(
        ARGUMENT_SPEC,
        required_if=[("state", "present", ("name",))],
        required_one_of=[("name", "framework_id")],
        required_by={"secret": "principal"},
        supports_check_mode=True,
    )

    def handle(access):
        with access.operator() as operator:
            return STATE_HANDLERS[module.params["state"]](module, operator, access)

    module.run(handle, checks=check_params)


if __name__ == "__main__":
    main()
