"""What the HA lab's Mesos and ZooKeeper say: leader, agents, tasks by id, znodes, nginx.

Observation only, over plain HTTP and the ZooKeeper protocol, independent of the project's
client (which is under test). Every address is checked with ``require_lab_address`` first;
every request has a timeout; every wait is bounded.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from faults_lab import HaLab
from kazoo.client import KazooClient
from kazoo.exceptions import KazooException
from kazoo.handlers.threading import KazooTimeoutError

from lab.network import require_lab_address

# Connecting to a machine that was just killed hangs until the timeout (nothing answers ARP):
# a short connect timeout keeps polls fine-grained; on the local bridge a live host answers in
# well under a millisecond.
CONNECT_TIMEOUT = 1.0
READ_TIMEOUT = 4.0
HTTP_TIMEOUT = (CONNECT_TIMEOUT, READ_TIMEOUT)
ZK_TIMEOUT = 5.0
LIVE_STATES = frozenset({"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"})
ELECTED_METRIC = "master/elected"

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """A bounded wait ran out; the message says what never happened and what was last seen."""


def wait_for(
    condition: Callable[[], T | None], timeout: float, what: str, interval: float = 0.25
) -> T:
    """Poll ``condition`` until it returns something truthy; raise WaitTimeout after ``timeout``.

    Connection errors count as "not yet": the lab is changing while we look.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    for _attempt in range(int(timeout / interval) + 2):
        try:
            value = condition()
        except (OSError, requests.RequestException, KazooException, KazooTimeoutError) as exc:
            value, last = None, exc
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise WaitTimeout(f"timed out after {timeout:g}s waiting for {what} (last error: {last!r})")


def _get(address: str, port: int, path: str) -> requests.Response:
    require_lab_address(address)
    return requests.get(
        f"http://{address}:{port}{path}", timeout=HTTP_TIMEOUT, allow_redirects=False
    )


# --- masters ------------------------------------------------------------------------------


def elected(address: str) -> bool | None:
    """Whether the master at ``address`` says it leads (None: it does not answer)."""
    try:
        metrics = _get(address, 5050, "/metrics/snapshot").json()
    except (requests.RequestException, ValueError):
        return None
    return metrics.get(ELECTED_METRIC) == 1


def elected_masters(lab: HaLab) -> list[str]:
    """Addresses of the masters that say they lead (normally exactly one)."""
    return [address for address in lab.masters.values() if elected(address)]


def leader(lab: HaLab) -> str | None:
    """The one leading master's address, or None when none or several claim to lead."""
    found = elected_masters(lab)
    return found[0] if len(found) == 1 else None


def wait_for_leader(lab: HaLab, timeout: float, not_this: str | None = None) -> str:
    """Wait until exactly one master leads (and it is not ``not_this``); return it."""

    def new_leader() -> str | None:
        found = leader(lab)
        return found if found and found != not_this else None

    what = "one leading master" + (f" other than {not_this}" if not_this else "")
    return wait_for(new_leader, timeout, what, interval=0.1)


def scheduler_api_status(address: str) -> int | None:
    """HTTP status a SUBSCRIBE-less POST to /api/v1/scheduler gets (None: no answer).

    Mesos answers 307 (not the leader), 503 (no leader elected) or, from the leader, 400.
    """
    require_lab_address(address)
    try:
        reply = requests.post(
            f"http://{address}:5050/api/v1/scheduler",
            data="{}",
            headers={"Content-Type": "application/json"},
            timeout=HTTP_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException:
        return None
    return reply.status_code


def operator_call(address: str, call: str) -> dict[str, Any]:
    """One operator API call to the master at ``address``; the answer's inner object."""
    require_lab_address(address)
    reply = requests.post(
        f"http://{address}:5050/api/v1",
        json={"type": call},
        headers={"Accept": "application/json"},
        timeout=HTTP_TIMEOUT,
        allow_redirects=False,
    )
    reply.raise_for_status()
    return reply.json().get(call.lower(), {})


def seconds(duration: str) -> float:
    """A Mesos duration (``5secs``, ``500ms``, ``1mins``) in seconds."""
    units = {"ms": 0.001, "secs": 1.0, "mins": 60.0, "hrs": 3600.0}
    for unit, factor in units.items():
        if duration.endswith(unit):
            return float(duration[: -len(unit)]) * factor
    raise ValueError(f"not a Mesos duration: {duration!r}")


def master_flag(address: str, name: str) -> str:
    """A flag of the running master at ``address`` (GET_FLAGS)."""
    for flag in operator_call(address, "GET_FLAGS").get("flags", []):
        if flag.get("name") == name:
            return str(flag.get("value", ""))
    raise KeyError(f"master {address} has no flag {name}")


@dataclass(frozen=True)
class AgentView:
    """One agent as the leader lists it."""

    agent_id: str
    hostname: str
    active: bool
    attributes: dict[str, str]


def agents(address: str) -> dict[str, AgentView]:
    """Registered agents by host name, as the master at ``address`` lists them (GET_AGENTS)."""
    found = {}
    for entry in operator_call(address, "GET_AGENTS").get("agents", []):
        info = entry["agent_info"]
        attributes = {a["name"]: _attribute_text(a) for a in info.get("attributes", [])}
        found[info["hostname"]] = AgentView(
            info["id"]["value"], info["hostname"], bool(entry.get("active")), attributes
        )
    return found


def _attribute_text(attribute: dict[str, Any]) -> str:
    kind = attribute.get("type")
    if kind == "TEXT":
        return attribute["text"]["value"]
    if kind == "SCALAR":
        return str(attribute["scalar"]["value"])
    return str(attribute)


def active_agents(lab: HaLab, address: str) -> dict[str, AgentView]:
    """The lab's agents that the master at ``address`` lists as active."""
    wanted = {agent.address for agent in lab.agents}
    return {h: a for h, a in agents(address).items() if a.active and h in wanted}


@dataclass(frozen=True)
class TaskView:
    """One task as the leader lists it."""

    task_id: str
    name: str
    framework_id: str
    agent_id: str
    state: str


def tasks(address: str) -> list[TaskView]:
    """Every task the master at ``address`` knows (GET_TASKS: pending, live, unreachable, done)."""
    answer = operator_call(address, "GET_TASKS")
    found = []
    for group in ("pending_tasks", "tasks", "unreachable_tasks", "completed_tasks"):
        for task in answer.get(group, []):
            found.append(
                TaskView(
                    task["task_id"]["value"],
                    task.get("name", ""),
                    task["framework_id"]["value"],
                    task.get("agent_id", {}).get("value", ""),
                    task.get("state", "TASK_STAGING"),
                )
            )
    return found


def live_copies(address: str) -> dict[str, list[TaskView]]:
    """Live (staging, starting, running) tasks by task id: more than one entry is a duplicate."""
    by_id: dict[str, list[TaskView]] = {}
    for task in tasks(address):
        if task.state in LIVE_STATES:
            by_id.setdefault(task.task_id, []).append(task)
    return by_id


def live_by_name(address: str) -> dict[str, list[TaskView]]:
    """Live tasks by task name: a logical task (mesos_task relaunches under fresh ids, one name)
    with more than one live copy is duplicated."""
    by_name: dict[str, list[TaskView]] = {}
    for task in tasks(address):
        if task.state in LIVE_STATES:
            by_name.setdefault(task.name, []).append(task)
    return by_name


def running_ids(address: str) -> dict[str, str]:
    """task id -> agent id of every TASK_RUNNING task (one copy each, else AssertionError)."""
    copies = live_copies(address)
    duplicated = {tid: found for tid, found in copies.items() if len(found) > 1}
    assert not duplicated, f"tasks running more than once: {duplicated}"
    return {
        tid: found[0].agent_id for tid, found in copies.items() if found[0].state == "TASK_RUNNING"
    }


def framework_connected(address: str, name: str) -> bool:
    """Whether a framework called ``name`` is subscribed to the master at ``address``."""
    for framework in operator_call(address, "GET_FRAMEWORKS").get("frameworks", []):
        info = framework.get("framework_info", {})
        if info.get("name") == name and framework.get("connected") and framework.get("active"):
            return True
    return False


# --- ZooKeeper ------------------------------------------------------------------------------


def zk_four_letter(address: str, word: str = "srvr") -> str:
    """A ZooKeeper four-letter-word answer ('' when the server does not answer)."""
    require_lab_address(address)
    try:
        with socket.create_connection((address, 2181), timeout=CONNECT_TIMEOUT) as conn:
            conn.sendall(word.encode())
            conn.settimeout(READ_TIMEOUT)
            chunks = []
            for _ in range(64):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                chunks.append(chunk)
    except OSError:
        return ""
    return b"".join(chunks).decode(errors="replace")


def zk_mode(address: str) -> str | None:
    """``leader``, ``follower`` or ``standalone``; None when the server is not serving."""
    for line in zk_four_letter(address).splitlines():
        if line.startswith("Mode:"):
            return line.split(":", 1)[1].strip()
    return None


def zk_quorum_serving(lab: HaLab) -> bool:
    """Whether every ZooKeeper server serves, one of them as leader."""
    modes = [zk_mode(address) for address in lab.zookeepers.values()]
    return None not in modes and modes.count("leader") == 1


def zk_remaining_serve(lab: HaLab) -> bool:
    """Whether the servers that answer form a serving ensemble (at least a majority, one leader)."""
    modes = [zk_mode(address) for address in lab.zookeepers.values()]
    serving = [mode for mode in modes if mode in ("leader", "follower", "standalone")]
    return len(serving) > len(modes) // 2 and modes.count("leader") == 1


def master_znodes(lab: HaLab) -> list[str]:
    """The ``/mesos/json.info_*`` znodes (one per contending master), read through ZooKeeper."""
    for address in lab.zookeepers.values():
        require_lab_address(address)
    client = KazooClient(hosts=",".join(f"{a}:2181" for a in lab.zookeepers.values()))
    try:
        client.start(timeout=ZK_TIMEOUT)
        children = client.get_children("/mesos")
    finally:
        client.stop()
        client.close()
    return sorted(child for child in children if child.startswith("json.info_"))


def all_masters_contending(lab: HaLab) -> bool:
    """Every master is back: a znode each, and each answers /health."""
    if len(master_znodes(lab)) != len(lab.masters):
        return False
    return all(_get(a, 5050, "/health").status_code == 200 for a in lab.masters.values())


# --- nginx --------------------------------------------------------------------------------


def nginx_answers(url: str) -> bool:
    """Whether nginx at ``url`` answers 200 with its Server header."""
    address = url.split("//", 1)[1].split(":", 1)[0]
    require_lab_address(address)
    try:
        reply = requests.get(url, timeout=HTTP_TIMEOUT)
    except requests.RequestException:
        return False
    return reply.status_code == 200 and reply.headers.get("Server", "").startswith("nginx")
