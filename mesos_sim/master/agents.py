"""Agent registry of the master: (re-)registration over the internal link, pings, and
marking agents unreachable after ``agent_ping_timeout`` x ``max_agent_ping_timeouts``."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from ..aio import spawn
from ..resources import Resources
from .agent_client import AgentClient, AgentUnreachable
from .model import Agent, Framework, Task

if TYPE_CHECKING:
    from .allocator import Allocator
    from .state import MasterState
    from .tasks import TaskService

log = logging.getLogger(__name__)


class AgentService:
    """Agents as the leading master sees them."""

    def __init__(
        self,
        state: MasterState,
        allocator: Allocator,
        task_service: TaskService,
        agent_client: AgentClient,
    ) -> None:
        self.state = state
        self.allocator = allocator
        self.task_service = task_service
        self.agent_client = agent_client
        self.ping_timeout = float(state.flags.agent_ping_timeout)
        self.max_misses = max(1, int(state.flags.max_agent_ping_timeouts))
        self._task: asyncio.Task | None = None
        self._pings: set[asyncio.Task] = set()

    def start(self) -> None:
        """Start pinging agents."""
        self._task = asyncio.ensure_future(self._ping_loop())

    async def stop(self) -> None:
        """Stop pinging."""
        pending = [t for t in (self._task, *self._pings) if t is not None]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # registration ------------------------------------------------------------------------
    def register(self, body: dict) -> dict:
        """Register or re-register an agent; returns its id and the ping settings."""
        state = self.state
        agent_id = body.get("agent_id")
        endpoint = str(body["endpoint"])
        previous = None
        was_unreachable = False
        if agent_id:
            previous = state.agents.pop(agent_id, None)
            if previous is None and agent_id in state.unreachable_agents:
                previous = state.unreachable_agents.pop(agent_id)
                was_unreachable = True
        else:
            agent_id = state.new_agent_id()
        for other in [a for a in state.agents.values() if a.endpoint == endpoint]:
            log.info(
                "Agent %s at %s re-registered under a new id; removing the old one",
                other.agent_id,
                endpoint,
            )
            self.remove(other, "a new agent registered at the same address")
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
        if was_unreachable:
            self.task_service.agent_reachable(agent_id)
        for report in body.get("tasks", []):
            self._adopt_reported_task(agent, report, was_unreachable=was_unreachable)
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
        self.allocator.request_allocation()
        return {
            "agent_id": agent_id,
            "master_id": state.master_id,
            "ping_timeout_seconds": self.ping_timeout,
            "max_ping_timeouts": self.max_misses,
        }

    def _adopt_reported_task(self, agent: Agent, report: dict, *, was_unreachable: bool) -> None:
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
            self.task_service.readd_task(framework, task, was_unreachable=was_unreachable)

    def _reconcile_missing(self, previous: Agent, agent: Agent) -> None:
        """Tasks the master had on the agent that it no longer reports are gone."""
        for key, task in previous.tasks.items():
            if key in agent.tasks or task.terminal or task.state == "TASK_STAGING":
                continue
            framework = self.state.frameworks.get(task.framework_id)
            if framework is None:
                continue
            task.state = "TASK_DROPPED" if framework.partition_aware else "TASK_LOST"
            self.task_service.forget(framework, task, "Reconciliation: task unknown to the agent")

    def disconnect(self, agent_id: str) -> bool:
        """The agent process is going away: deactivate it and rescind its offers, like a
        Mesos master that sees the agent's connection close."""
        agent = self.state.agents.get(agent_id)
        if agent is None:
            return False
        agent.active = False
        self.allocator.rescind_where(agent_id=agent_id, send=True)
        log.info("Agent %s (%s) disconnected", agent_id, agent.hostname)
        return True

    # pings (master.cpp SlaveObserver) ---------------------------------------------------
    async def _ping_loop(self) -> None:
        """Every ``agent_ping_timeout``: count a miss for each agent whose last ping got no
        pong, mark it unreachable at ``max_agent_ping_timeouts`` misses, and ping again; the
        pings themselves never delay the period."""
        while True:
            if self.state.is_leader:
                for agent in list(self.state.agents.values()):
                    self._on_period(agent)
            await asyncio.sleep(self.ping_timeout)

    def _on_period(self, agent: Agent) -> None:
        if agent.pinged:
            agent.ping_misses += 1
            log.warning(
                "Agent %s missed ping %d/%d: %s",
                agent.agent_id,
                agent.ping_misses,
                self.max_misses,
                agent.ping_error or "no pong within agent_ping_timeout",
            )
            if agent.ping_misses >= self.max_misses:
                self.mark_unreachable(agent)
                return
        agent.pinged = True
        agent.ping_error = None
        ping = spawn(self._ping(agent), f"ping {agent.agent_id}")
        self._pings.add(ping)
        ping.add_done_callback(self._pings.discard)

    async def _ping(self, agent: Agent) -> None:
        body = {"master_id": self.state.master_id, "agent_id": agent.agent_id}
        try:
            await self.agent_client.post(agent.endpoint, "ping", body, timeout=self.ping_timeout)
        except AgentUnreachable as exc:
            agent.ping_error = str(exc)
            return
        agent.pinged = False
        agent.ping_misses = 0
        agent.ping_error = None

    def mark_unreachable(self, agent: Agent) -> None:
        """Missed pings: the agent leaves the active set for the unreachable one; its tasks
        become unreachable; frameworks get task updates and FAILURE."""
        state = self.state
        state.agents.pop(agent.agent_id, None)
        agent.active = False
        agent.unreachable_time = time.time()
        state.unreachable_agents[agent.agent_id] = agent
        self.allocator.rescind_where(agent_id=agent.agent_id, send=True)
        self.task_service.agent_unreachable(agent, "health check timed out")
        self._send_failure(agent)
        state.metrics["master/slave_unreachable_completed"] += 1
        log.warning("Marked agent %s (%s) unreachable", agent.agent_id, agent.hostname)

    def remove(self, agent: Agent, cause: str) -> None:
        """Remove the agent for good (its tasks become TASK_LOST and completed)."""
        state = self.state
        state.agents.pop(agent.agent_id, None)
        agent.active = False
        self.allocator.rescind_where(agent_id=agent.agent_id, send=True)
        self.task_service.agent_removed(agent, f"Agent {agent.hostname} removed: {cause}")
        self._send_failure(agent)
        state.metrics["master/slave_removals"] += 1
        log.warning("Removed agent %s (%s): %s", agent.agent_id, agent.hostname, cause)

    def _send_failure(self, agent: Agent) -> None:
        for framework in self.state.frameworks.values():
            framework.send({"type": "FAILURE", "failure": {"agent_id": {"value": agent.agent_id}}})
