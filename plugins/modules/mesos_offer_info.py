#!/usr/bin/python
# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ansible module mesos_offer_info: what the Mesos agents offer right now."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mesos_offer_info
short_description: Collect the resource offers Apache Mesos makes to a new framework
description:
  - Subscribes a short-lived framework (no failover timeout) with the Mesos v1 scheduler
    HTTP API, collects the offers the master sends for up to I(timeout) seconds, declines them
    all and tears the framework down again.
  - Returns each offer with its agent's host name, the agent's attributes as a dict and its
    resources, including port ranges; the read-out of the notebook's "wait for offers" step.
  - Collection stops early once every active agent has made an offer.
version_added: "1.0.0"
author:
  - mesos-lab maintainers (@mesoslab)
extends_documentation_fragment:
  - mesoslab.mesos.mesos
options:
  timeout:
    description: Seconds to wait for offers.
    type: float
    default: 10
  framework:
    description: The short-lived framework that receives the offers.
    type: dict
    default: {}
    suboptions:
      name:
        description: Framework name.
        type: str
        default: mesos-lab-offer-info
      user:
        description: Unix user of the framework.
        type: str
        default: root
      role:
        description: Role to receive offers for.
        type: str
        default: "*"
      principal:
        description: Principal; with I(secret) also the HTTP Basic credentials.
        type: str
      secret:
        description: Secret for I(principal).
        type: str
attributes:
  check_mode:
    support: full
    description: Only reads; a short-lived framework is registered and torn down either way.
  diff_mode:
    support: none
    description: The module reports no diff.
seealso:
  - module: mesoslab.mesos.mesos_task
  - module: mesoslab.mesos.mesos_info
"""

EXAMPLES = r"""
- name: What do the agents offer?
  mesoslab.mesos.mesos_offer_info:
    timeout: 5
  register: offers

- name: Ports the first agent offers
  ansible.builtin.debug:
    var: offers.offers[0].resources.ports

# ad hoc, on the masters (master from /etc/mesos/zk):
#   ansible mesos_masters -m mesoslab.mesos.mesos_offer_info
"""

RETURN = r"""
offers:
  description: The offers received, one per agent and allocation round.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Offer id (already declined).
      type: str
    agent_id:
      description: Agent id.
      type: str
    hostname:
      description: Agent host name.
      type: str
      sample: 192.168.33.11
    attributes:
      description:
        - Agent attributes; C(TEXT) as strings, C(SCALAR) as numbers, C(SET) as lists,
          C(RANGES) as lists of C([begin, end]).
      type: dict
      sample: {"rack": "r2d2", "pod": "demo,dev"}
    resources:
      description:
        - Offered resources summed per name; scalars as numbers, C(ports) (any range
          resource) as a list of C([begin, end]).
      type: dict
      sample: {"cpus": 2, "mem": 496, "disk": 4930, "ports": [[31000, 32000]]}
framework_id:
  description: Id of the short-lived framework (torn down).
  returned: always
  type: str
"""

import time

from ansible_collections.mesoslab.mesos.plugins.module_utils.mesos_module import (
    MASTER_OPTIONS,
    MesosModule,
    ModuleFailure,
    client,
)

OPERATOR_TIMEOUT = 15.0


def offer_view(offer):
    """One offer as returned by the module."""
    return {
        "id": offer.get("id", {}).get("value"),
        "agent_id": offer.get("agent_id", {}).get("value"),
        "hostname": offer.get("hostname", ""),
        "attributes": client.attributes_dict(offer.get("attributes", [])),
        "resources": client.resources_summary(offer.get("resources", [])),
    }


def active_agents(params, access):
    """How many agents are active (collection can stop once each has offered)."""
    with access.operator(timeout=min(max(params["timeout"], 2.0), OPERATOR_TIMEOUT)) as operator:
        return sum(1 for agent in operator.get_agents() if agent.get("active", True))


def framework_info(settings):
    """The short-lived framework's FrameworkInfo (no failover: it goes with the module)."""
    return client.FrameworkInfo.from_options(settings, failover_timeout=0.0)


def collect_offers(params, access):
    """Subscribe a throw-away framework, gather and decline offers, tear it down."""
    framework = framework_info(params["framework"])
    agents = active_agents(params, access)
    session = access.session(framework, reconnect_timeout=0.0)
    offers = {}
    subscription = None
    try:
        subscription = session.subscribe(timeout=max(params["timeout"], 5.0))
        deadline = time.monotonic() + params["timeout"]
        while agents and len({o["agent_id"] for o in offers.values()}) < agents:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                event = session.wait_for("OFFERS", remaining)
            except client.MesosTimeout:
                break
            for offer in event.offers:
                offers[offer["id"]["value"]] = offer_view(offer)
            session.decline([offer["id"] for offer in event.offers])
    finally:
        session.close(teardown=subscription is not None)
    return list(offers.values()), subscription.framework_id


def check_params(params):
    """Checks argument_spec cannot express; raises ModuleFailure naming the option."""
    for name in ("name", "user", "role"):
        if not params["framework"][name].strip():
            raise ModuleFailure(f"framework.{name} must not be empty")


ARGUMENT_SPEC = {
    "timeout": {"type": "float", "default": 10.0},
    "framework": {
        "type": "dict",
        "default": {},
        "options": {
            "name": {"type": "str", "default": "mesos-lab-offer-info"},
            "user": {"type": "str", "default": "root"},
            "role": {"type": "str", "default": "*"},
            "principal": {"type": "str"},
            "secret": {"type": "str", "no_log": True},
        },
        "required_by": {"secret": "principal"},
    },
    **MASTER_OPTIONS,
}


def main():
    """Run the module."""
    module = MesosModule(
        ARGUMENT_SPEC,
        auth_option="framework",
        supports_check_mode=True,
    )

    def collect(access):
        offers, framework_id = collect_offers(module.params, access)
        return {"changed": False, "offers": offers, "framework_id": framework_id}

    module.run(collect, checks=check_params)


if __name__ == "__main__":
    main()
