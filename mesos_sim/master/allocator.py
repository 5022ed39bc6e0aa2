"""Offers: each agent's unused resources go to one eligible framework at a time (fewest
allocated cpus first), in batches every --allocation_interval and soon after any change.
Declined or unused resources are filtered for that framework for ``refuse_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..resources import Resources
from .model import Agent, Framework, Offer
from .offer_view import offer_json, offered_on

if TYPE_CHECKING:
    from .state import MasterState

log = logging.getLogger(__name__)

DEFAULT_REFUSE_SECONDS = 5.0
MAX_REFUSE_SECONDS = 365 * 24 * 3600.0
MIN_CPUS = 0.01
MIN_MEM = 32.0


@dataclass
class RefusalFilter:
    """Resources of one agent a framework refused, until ``expires``."""

    resources: Resources
    expires: float


def allocatable(resources: Resources) -> bool:
    """Mesos's default --min_allocatable_resources (cpus:0.01|mem:32)."""
    return resources.scalar("cpus") >= MIN_CPUS or resources.scalar("mem") >= MIN_MEM


class Allocator:
    """Creates, rescinds and filters offers."""

    def __init__(self, state: MasterState) -> None:
        self.state = state
        self.interval = float(state.flags.allocation_interval)
        self._soon: asyncio.Handle | None = None
        self._loop_task: asyncio.Task | None = None

    def start(self) -> None:
        """Start the periodic batch allocation."""
        self._loop_task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        """Stop allocating."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.allocate()

    def request_allocation(self) -> None:
        """Allocate on the next loop iteration (coalesces many requests)."""
        if self._soon is None:
            self._soon = asyncio.get_running_loop().call_soon(self._allocate_soon)

    def _allocate_soon(self) -> None:
        self._soon = None
        self.allocate()

    # allocation --------------------------------------------------------------------------
    def available_on(self, agent: Agent) -> Resources:
        """Total minus used minus offered."""
        return agent.total - agent.used() - offered_on(self.state.offers.values(), agent.agent_id)

    def _eligible(self) -> list[Framework]:
        frameworks = [
            f
            for f in self.state.frameworks.values()
            if f.connected and f.active and not f.suppressed
        ]

        def share(framework: Framework) -> float:
            used = sum(
                t.resources.scalar("cpus") for t in framework.tasks.values() if not t.terminal
            )
            offered = sum(o.resources.scalar("cpus") for o in framework.offers.values())
            return used + offered

        return sorted(frameworks, key=lambda f: (share(f), f.framework_id))

    def allocate(self) -> None:
        """One allocation round."""
        if not self.state.is_leader:
            return
        frameworks = self._eligible()
        if not frameworks:
            return
        now = time.time()
        batches: dict[str, list[Offer]] = {}
        for agent in list(self.state.agents.values()):
            if not agent.active:
                continue
            available = self.available_on(agent)
            if not allocatable(available):
                continue
            for framework in frameworks:
                role = framework.roles[0] if framework.roles else "*"
                offerable = Resources(
                    {k: v for k, v in available.items.items() if k[1] in ("*", role)}
                )
                if not allocatable(offerable) or self._filtered(
                    framework, agent.agent_id, offerable, now
                ):
                    continue
                offer = self._make_offer(framework, agent, offerable, role)
                batches.setdefault(framework.framework_id, []).append(offer)
                frameworks.remove(framework)
                frameworks.append(framework)
                break
        for framework_id, offers in batches.items():
            framework = self.state.frameworks[framework_id]
            framework.send(
                {
                    "type": "OFFERS",
                    "offers": {
                        "offers": [
                            offer_json(
                                o,
                                self.state.agents[o.agent_id],
                                "MULTI_ROLE" in framework.capabilities,
                            )
                            for o in offers
                        ]
                    },
                }
            )

    def _filtered(self, framework: Framework, agent_id: str, offer: Resources, now: float) -> bool:
        refusal = framework.filters.get(agent_id)
        if refusal is None:
            return False
        if refusal.expires <= now:
            del framework.filters[agent_id]
            return False
        return refusal.resources.contains(offer)

    def _make_offer(
        self, framework: Framework, agent: Agent, resources: Resources, role: str
    ) -> Offer:
        offer = Offer(
            offer_id=self.state.new_offer_id(),
            framework_id=framework.framework_id,
            agent_id=agent.agent_id,
            resources=resources,
            role=role,
        )
        self.state.offers[offer.offer_id] = offer
        framework.offers[offer.offer_id] = offer
        self.state.metrics["master/outstanding_offers"] = len(self.state.offers)
        timeout = self.state.flags.offer_timeout
        if timeout:
            offer.timer = asyncio.get_running_loop().call_later(
                float(timeout), self._offer_timed_out, offer.offer_id
            )
        return offer

    def _offer_timed_out(self, offer_id: str) -> None:
        offer = self.state.offers.get(offer_id)
        if offer is not None:
            log.info("Rescinding offer %s after --offer_timeout", offer_id)
            self.remove_offer(offer, rescind=True)
            self.request_allocation()

    # offer lifecycle ---------------------------------------------------------------------
    def remove_offer(self, offer: Offer, rescind: bool = False) -> None:
        """Forget an offer (resources return to the pool); ``rescind`` tells the framework."""
        if offer.timer is not None:
            offer.timer.cancel()
        self.state.offers.pop(offer.offer_id, None)
        framework = self.state.frameworks.get(offer.framework_id)
        if framework is not None:
            framework.offers.pop(offer.offer_id, None)
            if rescind:
                framework.send(
                    {"type": "RESCIND", "rescind": {"offer_id": {"value": offer.offer_id}}}
                )
        self.state.metrics["master/outstanding_offers"] = len(self.state.offers)

    def rescind_where(
        self, framework_id: str | None = None, agent_id: str | None = None, send: bool = True
    ) -> None:
        """Rescind every offer of a framework and/or on an agent."""
        for offer in list(self.state.offers.values()):
            if framework_id is not None and offer.framework_id != framework_id:
                continue
            if agent_id is not None and offer.agent_id != agent_id:
                continue
            self.remove_offer(offer, rescind=send)

    def refuse(
        self, framework: Framework, agent_id: str, resources: Resources, filters: dict | None
    ) -> None:
        """Filter ``resources`` of the agent for the framework (refuse_seconds, default 5)."""
        seconds = (filters or {}).get("refuse_seconds", DEFAULT_REFUSE_SECONDS)
        seconds = min(float(seconds), MAX_REFUSE_SECONDS)
        if seconds <= 0 or resources.empty():
            return
        framework.filters[agent_id] = RefusalFilter(resources, time.time() + seconds)
        asyncio.get_running_loop().call_later(seconds, self.request_allocation)

    def revive(self, framework: Framework) -> None:
        """Clear the framework's filters and un-suppress it."""
        framework.filters.clear()
        framework.suppressed = False
        self.request_allocation()

    def suppress(self, framework: Framework) -> None:
        """Stop sending offers to the framework until REVIVE."""
        framework.suppressed = True
