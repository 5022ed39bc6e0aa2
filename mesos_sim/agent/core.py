"""The agent's behaviour: tasks, status updates, registration payloads."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path

from .. import MESOS_VERSION
from ..aio import spawn
from ..ids import new_uuid, new_uuid_b64
from ..resources import Resources
from .containerizer import launch_refusal
from .executor import CommandTask, grace_seconds
from .master_link import MasterLink
from .model import AgentTask
from .updates import StatusUpdateManager

log = logging.getLogger(__name__)

COMPLETED_KEPT = 1000


class AgentCore:
    """State and operations of one agent."""

    def __init__(
        self,
        *,
        ip: str,
        hostname: str,
        port: int,
        work_dir: str,
        resources: Resources,
        attributes: list[dict],
        containerizers: list[str],
        agent_id: str | None,
        link: MasterLink | None = None,
        retry_interval: float = 10.0,
    ) -> None:
        self.ip = ip
        self.hostname = hostname
        self.port = port
        self.work_dir = work_dir
        self.resources = resources
        self.attributes = attributes
        self.containerizers = containerizers
        self.agent_id = agent_id
        self.start_time = time.time()
        self.tasks: dict[tuple[str, str], AgentTask] = {}
        self.completed: list[AgentTask] = []
        self.frameworks: dict[str, dict] = {}
        self.removed_frameworks: set[str] = set()
        self.link: MasterLink = link  # type: ignore[assignment]
        self.updates = StatusUpdateManager(self._forward, retry_interval, self._acknowledged)

    @property
    def endpoint(self) -> str:
        """``ip:port`` the master reaches us on."""
        return f"{self.ip}:{self.port}"

    def agent_info(self) -> dict:
        """The part of SlaveInfo that identifies this agent's configuration."""
        return {
            "hostname": self.hostname,
            "port": self.port,
            "resources": self.resources.to_json(),
            "attributes": self.attributes,
        }

    # registration ------------------------------------------------------------------------
    def registration_body(self) -> dict:
        """What we tell the master when (re-)registering, including our live tasks."""
        tasks = []
        for task in self.tasks.values():
            pending = self.updates.pending_for(task.framework_id, task.task_id)
            tasks.append(
                {
                    "framework_id": task.framework_id,
                    "framework_info": task.framework_info,
                    "task": task.info,
                    "resources": task.resources,
                    "role": task.role,
                    "state": task.state,
                    "statuses": task.statuses,
                    "status_update_state": (pending or {}).get("state", task.last_update_state),
                    "status_update_uuid": (pending or {}).get("uuid", task.last_uuid),
                }
            )
        return {
            "agent_id": self.agent_id,
            "hostname": self.hostname,
            "port": self.port,
            "endpoint": self.endpoint,
            "resources": self.resources.to_json(),
            "attributes": self.attributes,
            "version": MESOS_VERSION,
            "tasks": tasks,
        }

    def registered(self, answer: dict) -> str:
        """The master accepted us; returns the agent id (new or kept)."""
        first = self.agent_id is None
        self.agent_id = answer["agent_id"]
        log.info(
            "%s with master %s as agent %s",
            "Registered" if first else "Re-registered",
            answer.get("master_id"),
            self.agent_id,
        )
        self.updates.resend_now()
        return self.agent_id

    # status updates ----------------------------------------------------------------------
    def _status(
        self,
        task: AgentTask,
        state: str,
        message: str | None,
        reason: str | None,
        source: str = "SOURCE_EXECUTOR",
    ) -> dict:
        status: dict = {
            "task_id": {"value": task.task_id},
            "state": state,
            "source": source,
            "agent_id": {"value": self.agent_id},
            "executor_id": {"value": task.task_id},
            "timestamp": time.time(),
            "uuid": new_uuid_b64(),
        }
        runner = task.runner
        if runner is not None:
            # Only a container that exists has a status (Slave::_statusUpdate): a task that
            # was never launched, or is unknown, gets none.
            status["container_status"] = {
                "container_id": {"value": task.container_id},
                "network_infos": [{"ip_addresses": [{"protocol": "IPv4", "ip_address": self.ip}]}],
            }
            if runner.process is not None:
                status["container_status"]["executor_pid"] = runner.process.pid
        if message is not None:
            status["message"] = message
        if reason is not None:
            status["reason"] = reason
        return status

    def report(
        self,
        task: AgentTask,
        state: str,
        message: str | None = None,
        reason: str | None = None,
        source: str = "SOURCE_EXECUTOR",
    ) -> None:
        """A task changed state: record it and send a reliable update."""
        if task.terminal:
            return
        if task.framework_id in self.removed_frameworks:
            task.state = state  # the framework is gone: nobody to tell
            return
        status = self._status(task, state, message, reason, source)
        task.state = state
        kept = {"state": state, "timestamp": status["timestamp"]}
        if "container_status" in status:
            kept["container_status"] = status["container_status"]
        task.statuses.append(kept)
        self.updates.add(task.framework_id, status)

    async def _forward(self, framework_id: str, status: dict, latest_state: str) -> bool:
        if not self.link.registered:
            return False
        task = self.tasks.get((framework_id, status["task_id"]["value"]))
        body = {
            "agent_id": self.agent_id,
            "framework_id": framework_id,
            "status": status,
            "latest_state": latest_state,
            "task": task.info if task else None,
        }
        code, _body = await self.link.post("status_update", body)
        if code == 404:
            log.warning("Master does not know this agent; re-registering")
            self.link.reregister()
        return code == 200

    def _acknowledged(self, framework_id: str, task_id: str, status: dict) -> None:
        task = self.tasks.get((framework_id, task_id))
        if task is None:
            return
        task.last_uuid = status.get("uuid")
        task.last_update_state = status["state"]
        if task.terminal and self.updates.pending_for(framework_id, task_id) is None:
            self.tasks.pop(task.key, None)
            self.completed.append(task)
            del self.completed[:-COMPLETED_KEPT]

    # tasks ---------------------------------------------------------------------------------
    def run_task(
        self, framework_id: str, framework_info: dict, info: dict, resources: list[dict]
    ) -> None:
        """Start a task the master sent us."""
        task_id = info["task_id"]["value"]
        if (framework_id, task_id) in self.tasks:
            log.warning("Ignoring duplicate launch of task %s", task_id)
            return
        self.frameworks[framework_id] = framework_info
        self.removed_frameworks.discard(framework_id)
        container_id = new_uuid()
        sandbox = (
            Path(self.work_dir)
            / "slaves"
            / str(self.agent_id)
            / "frameworks"
            / framework_id
            / "executors"
            / task_id
            / "runs"
            / container_id
        )
        task = AgentTask(
            framework_id=framework_id,
            framework_info=framework_info,
            info=info,
            resources=resources,
            container_id=container_id,
            sandbox=sandbox,
        )
        self.tasks[task.key] = task
        refusal = launch_refusal(info, self.containerizers)
        if refusal is not None:
            self.report(task, refusal.state, refusal.message, refusal.reason, "SOURCE_AGENT")
            return
        task.runner = CommandTask(task, self._environment(task), self._runner_status)
        spawn(task.runner.start(), f"start {task_id}")

    def _environment(self, task: AgentTask) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "MESOS_SANDBOX": str(task.sandbox),
                "MESOS_DIRECTORY": str(task.sandbox),
                "MESOS_TASK_ID": task.task_id,
                "MESOS_EXECUTOR_ID": task.task_id,
                "MESOS_FRAMEWORK_ID": task.framework_id,
                "MESOS_AGENT_ENDPOINT": self.endpoint,
                "MESOS_SLAVE_ID": str(self.agent_id),
                "MESOS_CONTAINER_IP": self.ip,
            }
        )
        for variable in ((task.info.get("command") or {}).get("environment") or {}).get(
            "variables", []
        ):
            if variable.get("type", "VALUE") == "VALUE":
                env[variable["name"]] = variable.get("value", "")
        return env

    def _runner_status(
        self, task: AgentTask, state: str, message: str | None, reason: str | None
    ) -> None:
        self.report(task, state, message, reason)

    def kill_task(self, framework_id: str, task_id: str, kill_policy: dict | None) -> None:
        """KILL from the framework (via the master)."""
        task = self.tasks.get((framework_id, task_id))
        if task is None:
            framework_info = self.frameworks.get(framework_id, {})
            partition_aware = any(
                c.get("type") == "PARTITION_AWARE" for c in framework_info.get("capabilities", [])
            )
            ghost = AgentTask(
                framework_id=framework_id,
                framework_info=framework_info,
                info={"task_id": {"value": task_id}, "name": ""},
                resources=[],
                container_id="",
                sandbox=Path(self.work_dir),
            )
            self.tasks[ghost.key] = ghost
            self.report(
                ghost,
                "TASK_DROPPED" if partition_aware else "TASK_LOST",
                "Cannot find executor",
                "REASON_EXECUTOR_TERMINATED",
                "SOURCE_AGENT",
            )
            return
        if task.runner is None or task.terminal:
            return
        capabilities = {c.get("type") for c in task.framework_info.get("capabilities", [])}
        policy = kill_policy or task.info.get("kill_policy")
        spawn(
            task.runner.kill(grace_seconds(policy), "TASK_KILLING_STATE" in capabilities),
            f"kill {task_id}",
        )

    def acknowledge(self, framework_id: str, task_id: str, uuid: str) -> None:
        """An ACKNOWLEDGE forwarded by the master."""
        self.updates.acknowledge(framework_id, task_id, uuid)

    async def shutdown_framework(self, framework_id: str) -> None:
        """The framework was removed: kill its tasks and forget them."""
        self.removed_frameworks.add(framework_id)
        self.updates.drop_framework(framework_id)
        tasks = [t for t in self.tasks.values() if t.framework_id == framework_id]
        for task in tasks:
            if task.runner is not None:
                await task.runner.kill(grace_seconds(task.info.get("kill_policy")), False)
            self.tasks.pop(task.key, None)
            self.completed.append(task)
        self.updates.drop_framework(framework_id)
        self.frameworks.pop(framework_id, None)

    async def kill_all(self) -> None:
        """Shutdown: kill every running task."""
        await asyncio.gather(
            *(
                t.runner.kill(grace_seconds(t.info.get("kill_policy")), False)
                for t in list(self.tasks.values())
                if t.runner is not None
            )
        )
