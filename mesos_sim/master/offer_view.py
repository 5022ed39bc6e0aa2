"""What outstanding offers look like from outside: the resources they hold on one agent and
the v1 Offer JSON a framework receives (shared by the allocator and the state views)."""

from __future__ import annotations

from collections.abc import Iterable

from ..resources import Resources
from .model import Agent, Offer


def offered_on(offers: Iterable[Offer], agent_id: str) -> Resources:
    """Resources of the agent currently in outstanding offers."""
    total = Resources()
    for offer in offers:
        if offer.agent_id == agent_id:
            total = total + offer.resources
    return total


def offer_json(offer: Offer, agent: Agent, multi_role: bool = True) -> dict:
    """The v1 Offer JSON object, as the master sends it to a framework with (``multi_role``)
    or without the MULTI_ROLE capability: without it, no allocation info (master.cpp,
    Master::offer)."""
    ip = agent.endpoint.rsplit(":", 1)[0]
    if multi_role:
        resources = {
            "resources": offer.resources.to_json(offer.role),
            "allocation_info": {"role": offer.role},
        }
    else:
        resources = {"resources": offer.resources.to_json()}
    return {
        "id": {"value": offer.offer_id},
        "framework_id": {"value": offer.framework_id},
        "agent_id": {"value": offer.agent_id},
        "hostname": agent.hostname,
        "url": {
            "scheme": "http",
            "address": {"hostname": agent.hostname, "ip": ip, "port": agent.port},
            "path": "/slave(1)",
        },
        **resources,
        "attributes": agent.attributes,
    }
