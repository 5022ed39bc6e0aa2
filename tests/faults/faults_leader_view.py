"""What a newly elected master reports before the agents re-register (observation only).

Real Mesos recovers the registry (the replicated log) when it is elected: it knows every
admitted agent (GET_AGENTS ``recovered_agents`` until each re-registers) but no task and no
framework until agents re-register and frameworks re-subscribe (tasks are not in the
registry). The fault suite records this view for both Mesos kinds side by side.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from faults_cluster import operator_call, wait_for

VIEW_TIMEOUT = 30.0


@dataclass(frozen=True)
class LeaderView:
    """Counts and agent ids a master reported, and how long after the fault it answered."""

    after_s: float
    agent_ids: tuple[str, ...]  # registered (re-registered) agents
    recovered_agent_ids: tuple[str, ...]  # in the registry, not re-registered yet
    frameworks: int
    recovered_frameworks: int
    live_tasks: int
    unreachable_tasks: int

    @property
    def known_agent_ids(self) -> set[str]:
        """Every agent the master knows: registered or recovered from its registry."""
        return set(self.agent_ids) | set(self.recovered_agent_ids)

    def record(self) -> dict:
        """The view as plain data for faults_record."""
        data = asdict(self)
        data["after_s"] = round(self.after_s, 2)
        return data


def _agent_id(entry: dict) -> str:
    info = entry.get("agent_info", entry)
    return str(info.get("id", {}).get("value", ""))


def leader_view(address: str, since: float) -> LeaderView:
    """The first complete answer of the master at ``address`` (bounded wait: a master that
    was just elected may answer 503 while it recovers)."""

    def ask() -> LeaderView:
        agents = operator_call(address, "GET_AGENTS")
        frameworks = operator_call(address, "GET_FRAMEWORKS")
        found = operator_call(address, "GET_TASKS")
        return LeaderView(
            after_s=time.monotonic() - since,
            agent_ids=tuple(sorted(_agent_id(a) for a in agents.get("agents", []))),
            recovered_agent_ids=tuple(
                sorted(_agent_id(a) for a in agents.get("recovered_agents", []))
            ),
            frameworks=len(frameworks.get("frameworks", [])),
            recovered_frameworks=len(frameworks.get("recovered_frameworks", [])),
            live_tasks=len(found.get("tasks", [])) + len(found.get("pending_tasks", [])),
            unreachable_tasks=len(found.get("unreachable_tasks", [])),
        )

    return wait_for(
        ask, VIEW_TIMEOUT, f"the new leader {address} to answer GET_AGENTS", interval=0.05
    )
