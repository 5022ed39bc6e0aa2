"""Agent registry of the master: (re-)registration over the internal link, pings, and
marking agents unreachable after ``agent_ping_timeout`` x ``max_agent_ping_timeouts``."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from ..resources import Resources
from .agent_client import AgentUnreachable
from .model import Agent, Framework, Task

if TYPE_CHECKING:
    from .state import MasterState

log = logging.getLogger(__name__)


class AgentService:
    """Agents as the leading master sees them."""

    def __init__(self, state: MasterState) -> None:
        self.state = state
        self.ping_timeout = float(state.flags.agent_ping_timeout)
        self.max_misses = max(1, int(state.flags.max_agent_ping_timeouts))
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        """Start pinging agents."""
        self._task = asyncio.ensure_future(self._ping_loop())

    async def stop(self) -> None:
        """Stop pinging."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    # registration ------------------------------------------------------------------------
    def register(self, body: dict) -> dict:
        """Register or re-register an agent; returns its id and the ping settings."""
        state = self.state
        agent_id = body.get("agent_id")
        endpoint = str(body["endpoint"])
        previous = None
        if agent_id:
            previous = state.agents.pop(agent_id, None) or state.unreachable_agents.pop(
                agent_id, None
            )
        else:
            agent_id = state.new_agent_id()
        for other in [a for a in state.agents.values() if a.endpoint == endpoint]:
            log.info(
                "Agent %s at %s re-registered under a new id; removing the old one",
                other.agent_id,
                endpoint,
            )
            self.mark_unreachable(other)
            state.unreachable_agents.pop(other.agent_id, None)
        agent = Agent(
            agent_id=agent_id,
            hostname=str(body["hostname"]),
            port=int(body["port"]),
            endpoint=endpoint,
            total=Resources.from_json(body.get("resources", [])),
            attributes=list(body.get("attributes", [])),
        )
        if previous is not None or body.get("agent_id"):
            agent.registered_time = previous.registered_time if previous else time.time()
            agent.reregistered_time = time.time()
        state.agents[agent_id] = agent
        for report in body.get("tasks", []):
            self._adopt_reported_task(agent, report)
        if previous is not None:
            self._reconcile_missing(previous, agent)
        state.metrics["master/slave_registrations"] += 1
        log.info(
            "Agent %s at %s (%s) %s",
            agent_id,
            endpoint,
            agent.hostname,
            "re-registered" if agent.reregistered_time else "registered",
        )
        state.allocator.request_allocation()
        return {
            "agent_id": agent_id,
            "master_id": state.master_id,
            "ping_timeout_seconds": self.ping_timeout,
            "max_ping_timeouts": self.max_misses,
        }

    def _adopt_reported_task(self, agent: Agent, report: dict) -> None:
        state = self.state
        framework_id = report["framework_id"]
        info = report["task"]
        task = Task(
            info=info,
            framework_id=framework_id,
            agent_id=agent.agent_id,
            role=report.get("role", "*"),
            resources=Resources.from_json(report.get("resources") or info.get("resources", [])),
            state=report.get("state", "TASK_STAGING"),
            statuses=list(report.get("statuses", [])),
            status_update_state=report.get("status_update_state"),
            status_update_uuid=report.get("status_update_uuid"),
        )
        agent.tasks[(framework_id, task.task_id)] = task
        framework = state.frameworks.get(framework_id)
        if framework is None and framework_id not in state.removed_framework_ids:
            framework_info = report.get("framework_info")
            if framework_info:
                framework = Framework(
                    framework_id=framework_id, info=framework_info, active=False, recovered=True
                )
                state.frameworks[framework_id] = framework
        if framework is not None:
            framework.tasks[task.task_id] = task

    def _reconcile_missing(self, previous: Agent, agent: Agent) -> None:
        """Tasks the master had on the agent that it no longer reports are gone."""
        for key, task in previous.tasks.items():
            if key in agent.tasks or task.terminal or task.state == "TASK_STAGING":
                continue
            framework = self.state.frameworks.get(task.framework_id)
            if framework is None:
                continue
            task.state = "TASK_DROPPED" if framework.partition_aware else "TASK_LOST"
            self.state.task_service.forget(
                framework, task, "Reconciliation: task unknown to the agent"
            )

    def disconnect(self, agent_id: str) -> bool:
        """The agent process is going away: deactivate it and rescind its offers, like a
        Mesos master that sees the agent's connection close."""
        agent = self.state.agents.get(agent_id)
        if agent is None:
            return False
        agent.active = False
        self.state.allocator.rescind_where(agent_id=agent_id, send=True)
        log.info("Agent %s (%s) disconnected", agent_id, agent.hostname)
        return True

    # pings -------------------------------------------------------------------------------
    async def _ping_loop(self) -> None:
        while True:
            await asyncio.sleep(self.ping_timeout)
            if not self.state.is_leader:
                continue
            agents = list(self.state.agents.values())
            await asyncio.gather(*(self._ping(a) for a in agents))

    async def _ping(self, agent: Agent) -> None:
        body = {"master_id": self.state.master_id, "agent_id": agent.agent_id}
        try:
            await self.state.agent_client.post(
                agent.endpoint, "ping", body, timeout=self.ping_timeout
            )
            agent.ping_misses = 0
        except AgentUnreachable as exc:
            agent.ping_misses += 1
            log.warning(
                "Agent %s missed ping %d/%d: %s",
                agent.agent_id,
                agent.ping_misses,
                self.max_misses,
                exc,
            )
            if agent.ping_misses >= self.max_misses and agent.agent_id in self.state.agents:
                self.mark_unreachable(agent)

    def mark_unreachable(self, agent: Agent) -> None:
        """Remove the agent from the active set; tell frameworks (FAILURE, task updates)."""
        state = self.state
        state.agents.pop(agent.agent_id, None)
        agent.active = False
        agent.unreachable_time = time.time()
        state.unreachable_agents[agent.agent_id] = agent
        state.allocator.rescind_where(agent_id=agent.agent_id, send=True)
        state.task_service.agent_unreachable(agent)
        for framework in state.frameworks.values():
            framework.send({"type": "FAILURE", "failure": {"agent_id": {"value": agent.agent_id}}})
        state.metrics["master/slave_unreachable_completed"] += 1
        log.warning("Marked agent %s (%s) unreachable", agent.agent_id, agent.hostname)
