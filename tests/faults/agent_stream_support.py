"""Helpers for the agent-loss and stream-loss fault tests (test_agent_loss.py, test_stream_loss.py).

Everything here drives the real HA lab: the inventory named by ``$MESOS_LAB_FAULTS_INVENTORY``
(default ``inventories/local-ha``), machines reached with ``python -m lab``, faults injected with
nftables inside a lab machine's own network namespace (a table of our own, removed in a
``finally``; the host's ``inet mesos_lab`` table is never touched), Mesos reached through the
project's client. Every wait is bounded; every address is checked with
``lab.network.require_lab_address`` before anything is sent to it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import requests
from mesos_client import MesosError, OperatorClient

from lab.network import require_lab_address
from tests.modules.ansible_run import playbook

REPO_ROOT = Path(__file__).resolve().parents[2]
INVENTORY_ENV = "MESOS_LAB_FAULTS_INVENTORY"
DEFAULT_INVENTORY = "inventories/local-ha"
COMMAND_TIMEOUT = 60.0
NGINX_TASK = "nginx"  # name of site.yml's task (playbooks/nginx.yml)
LIVE_STATES = ("TASK_STAGING", "TASK_STARTING", "TASK_RUNNING")
HTTP_TIMEOUT = 10.0
MESOS_MASTER_PORT = 5050
MESOS_AGENT_PORT = 5051
ZOOKEEPER_PORT = 2181

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """A bounded wait ran out; the message says what was awaited and what was last seen."""


def wait_for(
    condition: Callable[[], T | None],
    timeout: float,
    what: str,
    interval: float = 0.2,
) -> T:
    """Poll ``condition`` until it returns something truthy; raise WaitTimeout after ``timeout``.

    Exceptions a poll may meet while the lab is changing (connection errors, Mesos errors) count
    as "not yet"; the last one is reported when the time is up.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    for _attempt in range(max(1, int(timeout / interval) + 2)):
        try:
            value = condition()
        except (OSError, requests.RequestException, MesosError, RuntimeError, ValueError) as exc:
            value, last = None, exc
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise WaitTimeout(f"timed out after {timeout:g}s waiting for {what} (last: {last!r})")


# --- the lab ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultLab:
    """The HA lab the tests run against, as its inventory describes it."""

    inventory: str
    lab_name: str
    masters: dict[str, str]  # inventory host -> lab address
    agents: dict[str, str]
    zookeepers: dict[str, str]

    def machine(self, host: str) -> str:
        """The lab tool's machine name of an inventory host."""
        return f"{self.lab_name}-{host}"

    @property
    def master_urls(self) -> list[str]:
        """``http://ip:5050`` of every master."""
        return [f"http://{ip}:{MESOS_MASTER_PORT}" for ip in self.masters.values()]

    @property
    def zk_url(self) -> str:
        """``zk://a:2181,b:2181,c:2181/mesos``: where clients find the leading master."""
        hosts = ",".join(f"{ip}:{ZOOKEEPER_PORT}" for ip in self.zookeepers.values())
        return f"zk://{hosts}/mesos"

    def agent_host_of(self, address: str) -> str:
        """The inventory host of an agent address (or host name, which the lab sets to it)."""
        for host, ip in self.agents.items():
            if address in (ip, host):
                return host
        raise AssertionError(f"{address!r} is not an agent of {self.inventory}")

    def require_addresses(self) -> None:
        """Refuse to run unless every address is on the lab's own bridge."""
        for ip in [*self.masters.values(), *self.agents.values(), *self.zookeepers.values()]:
            require_lab_address(ip)


def inventory_path() -> str:
    """The inventory under test: ``$MESOS_LAB_FAULTS_INVENTORY`` or the HA lab's."""
    return os.environ.get(INVENTORY_ENV, "").strip() or DEFAULT_INVENTORY


def _group_hosts(data: dict[str, Any], group: str) -> list[str]:
    entry = data.get(group, {})
    hosts = list(entry.get("hosts", []))
    for child in entry.get("children", []):
        hosts += [h for h in _group_hosts(data, child) if h not in hosts]
    return hosts


def load_fault_lab(inventory: str) -> FaultLab:
    """Read ``inventory`` with ``ansible-inventory --list`` (the lab tool does the same)."""
    out = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", inventory, "--list"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if out.returncode != 0:
        raise AssertionError(f"ansible-inventory -i {inventory} failed: {out.stderr[-2000:]}")
    data = json.loads(out.stdout)
    hostvars = data.get("_meta", {}).get("hostvars", {})

    def addresses(group: str) -> dict[str, str]:
        return {h: str(hostvars[h]["ansible_host"]) for h in _group_hosts(data, group)}

    masters = addresses("mesos_masters")
    agents = addresses("mesos_agents")
    if len(masters) < 1 or len(agents) < 2:
        raise AssertionError(f"{inventory} needs mesos_masters and at least two mesos_agents")
    lab_names = {hostvars[h].get("lab_name") for h in [*masters, *agents]}
    if len(lab_names) != 1 or None in lab_names:
        raise AssertionError(f"{inventory}: expected one lab_name, found {lab_names}")
    return FaultLab(
        inventory=inventory,
        lab_name=str(lab_names.pop()),
        masters=masters,
        agents=agents,
        zookeepers=addresses("zookeeper") or masters,
    )


def require_fault_lab(inventory: str | None = None) -> FaultLab:
    """The lab of ``inventory`` (default: :func:`inventory_path`), which must be up already
    (tests/faults/conftest.py's ``ha_lab`` fixture brings it up)."""
    lab = load_fault_lab(inventory or inventory_path())
    lab.require_addresses()
    if not lab_is_up(lab):
        raise AssertionError(
            f"the lab of {lab.inventory} is not running: `python -m lab up -i {lab.inventory}` "
            f"and `ansible-playbook -i {lab.inventory} site.yml` first"
        )
    return lab


# --- machines -----------------------------------------------------------------------------


def lab_cli(*args: str, timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """``python -m lab ARGS`` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "lab", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def in_machine(
    lab: FaultLab, host: str, command: str, timeout: float = COMMAND_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run a shell command line inside a lab machine (``python -m lab ssh NAME -- COMMAND``).

    ssh hands the remote shell one string, so ``command`` goes as one argument, unsplit.
    """
    return lab_cli("ssh", lab.machine(host), "--", command, timeout=timeout)


def checked_in_machine(lab: FaultLab, host: str, command: str) -> str:
    """:func:`in_machine`, failing the test when the command fails; returns its stdout."""
    out = in_machine(lab, host, command)
    if out.returncode != 0:
        raise AssertionError(
            f"{command!r} on {lab.machine(host)} exited {out.returncode}: "
            f"{out.stdout[-1500:]} {out.stderr[-1500:]}"
        )
    return out.stdout


def machine_init_pids(lab: FaultLab) -> dict[str, int]:
    """Host -> pid of the machine's init (in its namespaces), for running machines."""
    out = lab_cli("status", "-i", lab.inventory, "--json")
    if out.returncode != 0:
        raise AssertionError(f"lab status failed: {out.stderr[-2000:]}")
    report = json.loads(out.stdout)
    return {
        m["host"]: int(m["init_pid"])
        for m in report["machines"]
        if m["state"] == "running" and m.get("init_pid")
    }


def lab_is_up(lab: FaultLab) -> bool:
    """Every machine of the inventory runs."""
    pids = machine_init_pids(lab)
    return all(h in pids for h in [*lab.masters, *lab.agents, *lab.zookeepers])


# --- nftables inside a machine's network namespace ----------------------------------------


def _nft(init_pid: int, *args: str, script: str | None = None) -> None:
    out = subprocess.run(
        ["nsenter", "-t", str(init_pid), "-n", "nft", *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"nft {' '.join(args)} in netns of pid {init_pid}: {out.stderr.strip()}")


def _address_set(addresses: Sequence[str]) -> str:
    return "{ " + ", ".join(addresses) + " }"


@dataclass
class NetnsFirewall:
    """A table ``inet <name>`` in one lab machine's network namespace that drops traffic.

    Every packet to or from ``peers`` is dropped; with ``local_tcp_port`` only those to or from
    that local TCP port (e.g. the master's 5050). Dropping (not rejecting) makes a connection
    go silent, which is what a cut cable or a dead switch looks like.
    """

    init_pid: int
    name: str
    peers: tuple[str, ...]
    local_tcp_port: int | None = None
    active: bool = False

    def ruleset(self) -> str:
        """The nft script that creates the table."""
        peers = _address_set(self.peers)
        port_in = f"tcp dport {self.local_tcp_port} " if self.local_tcp_port else ""
        port_out = f"tcp sport {self.local_tcp_port} " if self.local_tcp_port else ""
        return (
            f"table inet {self.name} {{\n"
            "  chain input {\n"
            "    type filter hook input priority -10; policy accept;\n"
            f"    ip saddr {peers} {port_in}drop\n"
            "  }\n"
            "  chain output {\n"
            "    type filter hook output priority -10; policy accept;\n"
            f"    ip daddr {peers} {port_out}drop\n"
            "  }\n"
            "}\n"
        )

    def apply(self) -> None:
        """Create the table (replacing a leftover of the same name)."""
        self.remove()
        _nft(self.init_pid, "-f", "-", script=self.ruleset())
        self.active = True

    def remove(self) -> None:
        """Delete the table if it exists; safe to call more than once."""
        with contextlib.suppress(RuntimeError):
            _nft(self.init_pid, "delete", "table", "inet", self.name)
        self.active = False

    def exists(self) -> bool:
        """Whether the table is present in the namespace."""
        try:
            _nft(self.init_pid, "list", "table", "inet", self.name)
        except RuntimeError:
            return False
        return True


@contextlib.contextmanager
def dropped(firewall: NetnsFirewall) -> Iterator[NetnsFirewall]:
    """Apply ``firewall`` for the ``with`` block; it is removed even when the block fails."""
    try:
        firewall.apply()
        yield firewall
    finally:
        firewall.remove()


def firewall_name(purpose: str) -> str:
    """A table name of our own: never ``mesos_lab`` (the lab tool's), unique per process."""
    return f"fault_{purpose}_{os.getpid()}"


# --- Mesos --------------------------------------------------------------------------------


def operator(lab: FaultLab, timeout: float = 15.0) -> OperatorClient:
    """An operator client for the lab's leading master (found through the master list)."""
    return OperatorClient(lab.master_urls, timeout=timeout)


def master_flags(lab: FaultLab) -> dict[str, str]:
    """The leading master's flags (GET_FLAGS), name -> value."""
    with operator(lab) as client:
        flags = client.call("GET_FLAGS").get("flags", [])
    return {f["name"]: str(f.get("value", "")) for f in flags}


def parse_duration(text: str) -> float:
    """Seconds of a Mesos duration (``2secs``, ``500ms``, ``1mins``)."""
    units = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "secs": 1, "mins": 60, "hrs": 3600, "days": 86400}
    for unit, factor in sorted(units.items(), key=lambda u: -len(u[0])):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def leader_address(lab: FaultLab) -> str:
    """IP of the leading master (GET_MASTER)."""
    with operator(lab) as client:
        info = client.call("GET_MASTER").get("master_info", {})
    return str(info.get("address", {}).get("ip") or info.get("hostname"))


def registered_agents(lab: FaultLab) -> dict[str, str]:
    """Hostname -> agent id of the agents the leader lists (GET_AGENTS)."""
    with operator(lab) as client:
        agents = client.get_agents()
    return {
        a["agent_info"]["hostname"]: a["agent_info"]["id"]["value"]
        for a in agents
        if a.get("active", True)
    }


def master_tasks(lab: FaultLab) -> dict[str, list[dict[str, Any]]]:
    """GET_TASKS of the leader, by list (``tasks``, ``unreachable_tasks``, ...)."""
    with operator(lab) as client:
        answer = client.call("GET_TASKS")
    keys = ("pending_tasks", "tasks", "unreachable_tasks", "completed_tasks", "orphan_tasks")
    return {key: list(answer.get(key, [])) for key in keys}


def agent_running_tasks(address: str) -> list[dict[str, Any]]:
    """The tasks one agent itself reports as live (agent operator API, GET_TASKS).

    This counts copies where they run, independent of what the master believes.
    """
    require_lab_address(address)
    reply = requests.post(
        f"http://{address}:{MESOS_AGENT_PORT}/api/v1",
        json={"type": "GET_TASKS"},
        headers={"Accept": "application/json"},
        timeout=HTTP_TIMEOUT,
    )
    reply.raise_for_status()
    answer = reply.json().get("get_tasks", {})
    live = [
        t for k in ("pending_tasks", "queued_tasks", "launched_tasks") for t in answer.get(k, [])
    ]
    return [t for t in live if t.get("state") in LIVE_STATES]


def agent_running_task_ids(address: str) -> list[str]:
    """Ids of the tasks one agent itself reports as live."""
    return [t["task_id"]["value"] for t in agent_running_tasks(address)]


def agent_running_task_names(address: str) -> list[str]:
    """TaskInfo names of the tasks one agent itself reports as live (`mesos_task` launches
    every copy of a task under a fresh id, with the task's name)."""
    return [str(t.get("name", "")) for t in agent_running_tasks(address)]


def ensure_nginx(lab: FaultLab) -> None:
    """Relaunch site.yml's nginx task (its own play) if a fault killed it.

    `mesos_task` finds the task by name, launches the new copy under a fresh id and
    acknowledges every dead copy's pending terminal update itself.
    """
    live = [
        t
        for t in master_tasks(lab)["tasks"]
        if t.get("name") == NGINX_TASK and t.get("state") in LIVE_STATES
    ]
    if live:
        return
    run = playbook(REPO_ROOT / "playbooks" / "nginx.yml", inventory=lab.inventory, timeout=600)
    if run.returncode != 0:
        raise AssertionError(f"playbooks/nginx.yml could not bring nginx back: {run.describe()}")
