"""Task operations: ACCEPT/LAUNCH, KILL, ACKNOWLEDGE, RECONCILE, status updates from agents."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..aio import spawn
from ..resources import Resources
from .agent_client import AgentClient, AgentUnreachable
from .launch import task_resources, validate_task
from .model import TERMINAL_STATES, Agent, Framework, Task
from .state import status_json, update_event

if TYPE_CHECKING:
    from .allocator import Allocator
    from .state import MasterState

log = logging.getLogger(__name__)


class TaskService:
    """Everything that changes a task's state on the master."""

    def __init__(self, state: MasterState, allocator: Allocator, agent_client: AgentClient) -> None:
        self.state = state
        self.allocator = allocator
        self.agent_client = agent_client

    # helpers -----------------------------------------------------------------------------
    def _send_master_update(
        self,
        framework: Framework,
        task_id: str,
        task_state: str,
        *,
        message: str,
        reason: str,
        agent_id: str | None,
    ) -> None:
        status = status_json(
            task_id, task_state, "SOURCE_MASTER", agent_id=agent_id, message=message, reason=reason
        )
        framework.send(update_event(status))

    def _complete(self, framework: Framework | None, task: Task) -> None:
        """Forget a task: it leaves the framework's and the agent's live lists."""
        if framework is not None:
            framework.tasks.pop(task.task_id, None)
            framework.completed_tasks.append(task)
        for agent in (
            self.state.agents.get(task.agent_id),
            self.state.unreachable_agents.get(task.agent_id),
        ):
            if agent is not None:
                agent.tasks.pop((task.framework_id, task.task_id), None)

    def forget(self, framework: Framework, task: Task, message: str) -> None:
        """Tell the framework a task is gone (its ``state`` already set) and drop it."""
        self._send_master_update(
            framework,
            task.task_id,
            task.state,
            message=message,
            reason="REASON_RECONCILIATION",
            agent_id=task.agent_id,
        )
        self._complete(framework, task)

    # ACCEPT ------------------------------------------------------------------------------
    def _validate_offers(self, offer_ids: list[str], framework: Framework) -> str | None:
        seen = set()
        for offer_id in offer_ids:
            if offer_id in seen:
                return f"Duplicate offer {offer_id} in offer list"
            seen.add(offer_id)
        for offer_id in offer_ids:
            if offer_id not in self.state.offers:
                return f"Offer {offer_id} is no longer valid"
        for offer_id in offer_ids:
            owner = self.state.offers[offer_id].framework_id
            if owner != framework.framework_id:
                return (
                    f"Offer {offer_id} has invalid framework {owner} while framework "
                    f"{framework.framework_id} is expected"
                )
        roles = {self.state.offers[o].role for o in offer_ids}
        if len(roles) > 1:
            return "Aggregated offers must be allocated to the same role"
        agents = [self.state.offers[o].agent_id for o in offer_ids]
        for offer_id, agent_id in zip(offer_ids, agents):
            if agent_id != agents[0]:
                return (
                    f"Aggregated offers must belong to one single agent. Offer {offer_id} "
                    f"uses agent {agent_id} and agent {agents[0]}"
                )
        return None

    @staticmethod
    def _launch_tasks(operation: dict) -> list[dict]:
        if operation.get("type") == "LAUNCH":
            return (operation.get("launch") or {}).get("task_infos", [])
        if operation.get("type") == "LAUNCH_GROUP":
            group = (operation.get("launch_group") or {}).get("task_group") or {}
            return [t for t in group.get("tasks", []) if isinstance(t, dict)]
        return []

    def accept(self, framework: Framework, accept: dict) -> None:
        """ACCEPT: validate the offers, then each operation; unused resources are refused."""
        state = self.state
        offer_ids = [o["value"] for o in accept.get("offer_ids", [])]
        operations = accept.get("operations", [])
        error = (
            "No offers specified" if not offer_ids else self._validate_offers(offer_ids, framework)
        )
        if error:
            self._reject_invalid_offers(framework, offer_ids, operations, error)
            return
        offers = [state.offers[o] for o in offer_ids]
        agent = state.agents[offers[0].agent_id]
        role = offers[0].role
        remaining = Resources()
        for offer in offers:
            remaining = remaining + offer.resources
            self.allocator.remove_offer(offer)
        for operation in operations:
            remaining = self._apply(framework, agent, role, operation, remaining)
        self.allocator.refuse(framework, agent.agent_id, remaining, accept.get("filters"))
        self.allocator.request_allocation()

    def _reject_invalid_offers(
        self, framework: Framework, offer_ids: list[str], operations: list[dict], error: str
    ) -> None:
        log.warning("ACCEPT call used invalid offers %s: %s", offer_ids, error)
        for offer_id in offer_ids:
            offer = self.state.offers.get(offer_id)
            if offer is not None and offer.framework_id == framework.framework_id:
                self.allocator.remove_offer(offer)
        lost = "TASK_DROPPED" if framework.partition_aware else "TASK_LOST"
        for operation in operations:
            for task in self._launch_tasks(operation):
                self._send_master_update(
                    framework,
                    task["task_id"]["value"],
                    lost,
                    message=f"Task launched with invalid offers: {error}",
                    reason="REASON_INVALID_OFFERS",
                    agent_id=(task.get("agent_id") or {}).get("value"),
                )
        self.allocator.request_allocation()

    def _apply(
        self, framework: Framework, agent: Agent, role: str, operation: dict, remaining: Resources
    ) -> Resources:
        kind = operation.get("type")
        if kind == "LAUNCH_GROUP":
            for task in self._launch_tasks(operation):
                self._send_master_update(
                    framework,
                    task["task_id"]["value"],
                    "TASK_ERROR",
                    message="LAUNCH_GROUP is not simulated by mesos_sim",
                    reason="REASON_TASK_GROUP_INVALID",
                    agent_id=agent.agent_id,
                )
            return remaining
        if kind != "LAUNCH":
            log.warning("Ignoring %s operation: not simulated", kind or "unknown")
            return remaining
        for task in self._launch_tasks(operation):
            task_id = task["task_id"]["value"]
            if "id" in operation:
                error = "The `id` field cannot be set on LAUNCH operations"
            else:
                error = validate_task(task, framework, agent, remaining, role)
            if error:
                self.state.metrics["master/tasks_error"] += 1
                self._send_master_update(
                    framework,
                    task_id,
                    "TASK_ERROR",
                    message=error,
                    reason="REASON_TASK_INVALID",
                    agent_id=agent.agent_id,
                )
                continue
            consumed = task_resources(task)
            remaining = remaining - consumed
            record = Task(
                info=task,
                framework_id=framework.framework_id,
                agent_id=agent.agent_id,
                role=role,
                resources=consumed,
            )
            framework.tasks[task_id] = record
            agent.tasks[(framework.framework_id, task_id)] = record
            self.state.metrics["master/tasks_staging"] += 1
            spawn(self._run_on_agent(framework, agent, record), f"launch {task_id}")
        return remaining

    async def _run_on_agent(self, framework: Framework, agent: Agent, task: Task) -> None:
        body = {
            "framework_id": framework.framework_id,
            "framework_info": framework.info,
            "task": task.info,
            "resources": task.resources.to_json(task.role),
        }
        try:
            await self.agent_client.post(agent.endpoint, "run_task", body)
        except AgentUnreachable as exc:
            log.warning("Failed to send task %s to agent %s: %s", task.task_id, agent.agent_id, exc)

    # KILL, RECONCILE ----------------------------------------------------------------------
    def kill(self, framework: Framework, kill: dict) -> None:
        """KILL: forward to the agent; an unknown task gets a reconciliation answer."""
        task_id = kill["task_id"]["value"]
        task = framework.tasks.get(task_id)
        if task is None:
            log.warning(
                "Cannot kill task %s of framework %s because it is unknown; "
                "performing reconciliation",
                task_id,
                framework.framework_id,
            )
            entry = {"task_id": {"value": task_id}}
            if kill.get("agent_id"):
                entry["agent_id"] = kill["agent_id"]
            self.reconcile(framework, {"tasks": [entry]})
            return
        agent = self.state.agents.get(task.agent_id)
        if agent is None:
            log.warning("Cannot kill task %s: agent %s is not connected", task_id, task.agent_id)
            return
        body = {
            "framework_id": framework.framework_id,
            "task_id": task_id,
            "kill_policy": kill.get("kill_policy") or task.info.get("kill_policy"),
        }
        spawn(self._post(agent, "kill_task", body), f"kill {task_id}")

    async def _post(self, agent: Agent, path: str, body: dict) -> None:
        try:
            await self.agent_client.post(agent.endpoint, path, body)
        except AgentUnreachable as exc:
            log.warning("Agent %s did not take %s: %s", agent.agent_id, path, exc)

    def reconcile(self, framework: Framework, reconcile: dict) -> None:
        """RECONCILE: implicit (no tasks) or explicit, answered by the master."""
        entries = reconcile.get("tasks", [])
        if not entries:
            for task in list(framework.tasks.values()):
                self._reconciled(framework, task)
            return
        for entry in entries:
            task_id = entry["task_id"]["value"]
            agent_id = (entry.get("agent_id") or {}).get("value")
            task = framework.tasks.get(task_id)
            if task is not None:
                self._reconciled(framework, task)
                continue
            pa = framework.partition_aware
            if agent_id and agent_id in self.state.agents:
                answer = (
                    "TASK_GONE" if pa else "TASK_LOST",
                    "Reconciliation: Task is unknown to the agent",
                )
            elif agent_id and agent_id in self.state.unreachable_agents:
                answer = (
                    "TASK_UNREACHABLE" if pa else "TASK_LOST",
                    "Reconciliation: Task is unreachable",
                )
            else:
                answer = ("TASK_UNKNOWN" if pa else "TASK_LOST", "Reconciliation: Task is unknown")
            self._send_master_update(
                framework,
                task_id,
                answer[0],
                message=answer[1],
                reason="REASON_RECONCILIATION",
                agent_id=agent_id,
            )

    def _reconciled(self, framework: Framework, task: Task) -> None:
        status = status_json(
            task.task_id,
            task.status_update_state or task.state,
            "SOURCE_MASTER",
            agent_id=task.agent_id,
            message="Reconciliation: Latest task state",
            reason="REASON_RECONCILIATION",
        )
        framework.send(update_event(status))

    # status updates and acknowledgements -------------------------------------------------
    def status_update(
        self,
        agent: Agent,
        framework_id: str,
        status: dict,
        latest_state: str,
        task_info: dict | None,
    ) -> None:
        """An update from an agent: record it and forward it to the framework."""
        task_id = status["task_id"]["value"]
        framework = self.state.frameworks.get(framework_id)
        task = agent.tasks.get((framework_id, task_id))
        if task is None and task_info is not None:
            task = Task(
                info=task_info,
                framework_id=framework_id,
                agent_id=agent.agent_id,
                role="*",
                resources=Resources.from_json(task_info.get("resources", [])),
            )
            agent.tasks[(framework_id, task_id)] = task
            if framework is not None:
                framework.tasks[task_id] = task
        if task is not None:
            was_terminal = task.terminal
            task.state = latest_state
            task.status_update_state = status["state"]
            task.status_update_uuid = status.get("uuid")
            task.statuses.append(status)
            self.state.metrics[f"master/tasks_{status['state'][5:].lower()}"] += 1
            if task.terminal and not was_terminal:
                self.allocator.request_allocation()
        if framework is None:
            log.warning(
                "Status update %s for task %s of unknown framework %s dropped",
                status["state"],
                task_id,
                framework_id,
            )
            return
        framework.send(update_event(status))

    def acknowledge(self, framework: Framework, acknowledge: dict) -> None:
        """ACKNOWLEDGE: forward to the agent; a terminal update acked removes the task."""
        agent_id = acknowledge["agent_id"]["value"]
        task_id = acknowledge["task_id"]["value"]
        uuid = acknowledge["uuid"]
        agent = self.state.agents.get(agent_id)
        if agent is None:
            log.warning(
                "Cannot send acknowledgement of task %s to agent %s: not registered",
                task_id,
                agent_id,
            )
            return
        task = framework.tasks.get(task_id)
        # Only the acknowledgement of the terminal update itself completes the task; its
        # latest state may be terminal while an earlier update is still being acknowledged.
        if (
            task is not None
            and task.status_update_uuid == uuid
            and task.status_update_state in TERMINAL_STATES
        ):
            self._complete(framework, task)
        body = {"framework_id": framework.framework_id, "task_id": task_id, "uuid": uuid}
        spawn(self._post(agent, "acknowledge", body), f"ack {task_id}")

    # framework and agent removal ----------------------------------------------------------
    def remove_framework_tasks(self, framework: Framework) -> None:
        """The framework is gone: its tasks are killed on their agents and forgotten."""
        agents = {t.agent_id for t in framework.tasks.values()}
        for agent in list(self.state.agents.values()):
            if agent.agent_id in agents or any(
                fid == framework.framework_id for fid, _task in agent.tasks
            ):
                spawn(
                    self._post(
                        agent, "shutdown_framework", {"framework_id": framework.framework_id}
                    ),
                    f"shutdown {framework.framework_id}",
                )
        for task in [*framework.tasks.values(), *framework.unreachable_tasks.values()]:
            if not task.terminal:
                task.state = "TASK_KILLED"
            self._complete(framework, task)
        framework.unreachable_tasks.clear()
        for agent in self.state.agents.values():
            for key in [k for k in agent.tasks if k[0] == framework.framework_id]:
                agent.tasks.pop(key)

    def framework_failed_over(self, framework: Framework) -> None:
        """Tell every registered agent about the re-subscribed framework; as Mesos's agent on
        UpdateFrameworkMessage, each re-sends its unacknowledged updates at once."""
        body = {"framework_id": framework.framework_id, "framework_info": framework.info}
        for agent in list(self.state.agents.values()):
            if agent.unreachable_time is None:
                spawn(self._post(agent, "update_framework", body), "update framework")

    def adopt_tasks(self, framework: Framework) -> None:
        """Link tasks that re-registered agents reported for this framework."""
        for agent in self.state.agents.values():
            for (framework_id, task_id), task in agent.tasks.items():
                if framework_id == framework.framework_id:
                    framework.tasks[task_id] = task

    def agent_unreachable(self, agent: Agent, message: str) -> None:
        """The agent is marked unreachable (Master::__removeSlave): every task it had,
        terminal or not, leaves the framework's tasks for its unreachable tasks; non-terminal
        ones become TASK_UNREACHABLE (PARTITION_AWARE) or TASK_LOST; the framework is told."""
        self._drop_agent_tasks(agent, message, unreachable=True)

    def agent_removed(self, agent: Agent, message: str) -> None:
        """The agent is removed for good (Master::_removeSlave): its tasks become TASK_LOST
        and completed, for every framework."""
        self._drop_agent_tasks(agent, message, unreachable=False)

    def _drop_agent_tasks(self, agent: Agent, message: str, *, unreachable: bool) -> None:
        limit = int(self.state.flags.max_unreachable_tasks_per_framework)
        for (framework_id, task_id), task in list(agent.tasks.items()):
            framework = self.state.frameworks.get(framework_id)
            pa = unreachable and framework is not None and framework.partition_aware
            new_state = "TASK_UNREACHABLE" if pa else "TASK_LOST"
            status = status_json(
                task_id,
                new_state,
                "SOURCE_MASTER",
                agent_id=agent.agent_id,
                message=message,
                reason="REASON_AGENT_REMOVED",
            )
            if not task.terminal:
                task.state = new_state
            task.statuses.append(status)
            if framework is not None:
                framework.tasks.pop(task_id, None)
                if unreachable:
                    framework.add_unreachable_task(task, limit)
                else:
                    framework.completed_tasks.append(task)
                framework.send(update_event(status))
        agent.tasks.clear()

    def agent_reachable(self, agent_id: str) -> None:
        """An unreachable agent re-registered: its old unreachable tasks are dropped (the ones
        it still runs come back through ``readd_task``)."""
        for framework in self.state.frameworks.values():
            for task_id in [
                t for t, task in framework.unreachable_tasks.items() if task.agent_id == agent_id
            ]:
                del framework.unreachable_tasks[task_id]

    def readd_task(self, framework: Framework, task: Task, *, was_unreachable: bool) -> None:
        """A task reported by a (re-)registering agent is one of the framework's tasks. After
        an unreachable spell (Master::__reregisterSlave) it also leaves the unreachable and
        completed tasks, and the framework hears its state from the master."""
        framework.tasks[task.task_id] = task
        if not was_unreachable:
            return
        framework.unreachable_tasks.pop(task.task_id, None)
        framework.forget_completed_task(task.task_id)
        self._send_master_update(
            framework,
            task.task_id,
            task.state,
            message="Unreachable agent re-reregistered",
            reason="REASON_AGENT_REREGISTERED",
            agent_id=task.agent_id,
        )
