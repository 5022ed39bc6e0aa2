"""The master's shared state: identity, leadership, frameworks, agents, offers, metrics."""

from __future__ import annotations

import itertools
import time
from collections import Counter, deque
from dataclasses import dataclass

from .. import MESOS_VERSION
from ..flags import Flags
from ..ids import ip_to_int, new_uuid
from .model import Agent, Framework, Offer


@dataclass(frozen=True)
class Address:
    """Where this master listens and what it advertises."""

    ip: str
    port: int
    hostname: str
    advertise_ip: str
    advertise_port: int


def status_json(
    task_id: str,
    state: str,
    source: str,
    *,
    agent_id: str | None = None,
    message: str | None = None,
    reason: str | None = None,
    uuid: str | None = None,
) -> dict:
    """A v1 TaskStatus JSON object."""
    status: dict = {"task_id": {"value": task_id}, "state": state, "source": source}
    if message is not None:
        status["message"] = message
    if reason is not None:
        status["reason"] = reason
    if agent_id:
        status["agent_id"] = {"value": agent_id}
    status["timestamp"] = time.time()
    if uuid is not None:
        status["uuid"] = uuid
    return status


def update_event(status: dict) -> dict:
    """The scheduler UPDATE event carrying ``status``."""
    return {"type": "UPDATE", "update": {"status": status}}


class MasterState:
    """Everything the master knows; the services share one instance (and are given each other
    by the process that builds them, so none of them is reached through the state)."""

    def __init__(self, flags: Flags, address: Address) -> None:
        self.flags = flags
        self.address = address
        self.master_id = new_uuid()
        self.start_time = time.time()
        self.elected_time: float | None = None
        self.leader: dict | None = None
        self.is_leader = False
        self.frameworks: dict[str, Framework] = {}
        self.completed_frameworks: deque[Framework] = deque(
            maxlen=max(1, int(flags.max_completed_frameworks))
        )
        self.removed_framework_ids: set[str] = set()
        self.agents: dict[str, Agent] = {}
        self.unreachable_agents: dict[str, Agent] = {}
        self.offers: dict[str, Offer] = {}
        self.metrics: Counter = Counter()
        self._framework_seq = itertools.count()
        self._agent_seq = itertools.count()
        self._offer_seq = itertools.count()
        self.heartbeat_interval = float(flags.sim_heartbeat_interval)

    # identity ----------------------------------------------------------------------------
    @property
    def pid(self) -> str:
        """libprocess pid ``master@ip:port``."""
        return f"master@{self.address.advertise_ip}:{self.address.advertise_port}"

    def master_info(self) -> dict:
        """MasterInfo JSON (what ZooKeeper holds and SUBSCRIBED carries)."""
        address = self.address
        return {
            "id": self.master_id,
            "ip": ip_to_int(address.advertise_ip),
            "port": address.advertise_port,
            "pid": self.pid,
            "hostname": address.hostname,
            "version": MESOS_VERSION,
            "address": {
                "hostname": address.hostname,
                "ip": address.advertise_ip,
                "port": address.advertise_port,
            },
            "capabilities": [
                {"type": "AGENT_UPDATE"},
                {"type": "AGENT_DRAINING"},
                {"type": "QUOTA_V2"},
            ],
        }

    def leader_pid(self) -> str | None:
        """The leader's pid, if one is known."""
        return self.leader.get("pid") if self.leader else None

    # ids ---------------------------------------------------------------------------------
    def new_framework_id(self) -> str:
        """``<master id>-0000``, ``-0001``, ..."""
        return f"{self.master_id}-{next(self._framework_seq):04d}"

    def new_agent_id(self) -> str:
        """``<master id>-S0``, ``-S1``, ..."""
        return f"{self.master_id}-S{next(self._agent_seq)}"

    def new_offer_id(self) -> str:
        """``<master id>-O0``, ``-O1``, ..."""
        return f"{self.master_id}-O{next(self._offer_seq)}"
