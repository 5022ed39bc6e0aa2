"""The HA lab the fault tests run against: its inventory, its machines, its units.

The inventory is ``$MESOS_LAB_FAULTS_INVENTORY`` (default ``inventories/local-ha``); any
inventory of the same shape works (three hosts in ``zookeeper`` and ``mesos_masters``, two
agents, one in rack r2d2), so an engineer can run the suite against a copy at other
addresses. Machines are driven with the real ``python -m lab`` and ``make``.
"""

from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lab.constants import SUBNET as LAB_SUBNET
from lab.network import require_lab_address
from tests.support.real_mesos import find_deb

REPO_ROOT = Path(__file__).resolve().parents[2]
INVENTORY_ENV = "MESOS_LAB_FAULTS_INVENTORY"
DEFAULT_INVENTORY = "inventories/local-ha"
COMMAND_TIMEOUT = 90.0
MAKE_LAB_TIMEOUT = 1800.0
MAKE_DOWN_TIMEOUT = 600.0
KILL_WAIT_SECONDS = 30.0


class LabCommandError(AssertionError):
    """A lab, make or ansible command failed; the message carries its output."""


@dataclass(frozen=True)
class Agent:
    """One agent host of the inventory."""

    host: str
    address: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class HaLab:
    """The HA lab as its inventory describes it."""

    inventory: str
    lab_name: str
    masters: dict[str, str]  # inventory host -> address
    zookeepers: dict[str, str]
    agents: tuple[Agent, ...]
    mesos: str = "sim"  # "real": the package flavor (Apache Mesos from the .deb)

    def machine(self, host: str) -> str:
        """Machine name of an inventory host (``<lab_name>-<host>``)."""
        return f"{self.lab_name}-{host}"

    def host_of(self, address: str) -> str:
        """Inventory host holding ``address`` (a master, ZooKeeper server or agent)."""
        everything = {**self.masters, **self.zookeepers}
        everything.update({agent.host: agent.address for agent in self.agents})
        for host, known in everything.items():
            if known == address:
                return host
        raise KeyError(f"no host of {self.inventory} has address {address}")

    def agent_in_rack(self, rack: str) -> Agent:
        """The agent whose ``rack`` attribute is ``rack``."""
        for agent in self.agents:
            if agent.attributes.get("rack") == rack:
                return agent
        raise KeyError(f"no agent of {self.inventory} is in rack {rack}")

    @property
    def zk_url(self) -> str:
        """The masters' ZooKeeper URL, as mesos_task takes it."""
        hosts = ",".join(f"{address}:2181" for address in self.zookeepers.values())
        return f"zk://{hosts}/mesos"

    @property
    def addresses(self) -> list[str]:
        """Every address of the lab."""
        found = list(self.masters.values()) + list(self.zookeepers.values())
        return sorted(set(found + [agent.address for agent in self.agents]))


def inventory_path() -> str:
    """The inventory the suite runs against (env override, else the HA lab's)."""
    return os.environ.get(INVENTORY_ENV, "").strip() or DEFAULT_INVENTORY


def run(
    argv: list[str], timeout: float = COMMAND_TIMEOUT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command from the repository root; never raises on a non-zero exit."""
    return subprocess.run(
        argv,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def checked(
    argv: list[str], timeout: float = COMMAND_TIMEOUT, env: dict[str, str] | None = None
) -> str:
    """Run a command; raise LabCommandError with its output unless it exits 0."""
    result = run(argv, timeout, env)
    if result.returncode != 0:
        raise LabCommandError(
            f"{' '.join(argv)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-3000:]}"
        )
    return result.stdout


def _inventory_listing(inventory: str) -> dict[str, Any]:
    ansible_inventory = str(Path(sys.executable).parent / "ansible-inventory")
    return json.loads(checked([ansible_inventory, "-i", inventory, "--list"]))


def _group(listing: dict[str, Any], name: str) -> list[str]:
    return list(listing.get(name, {}).get("hosts", []))


def _attributes(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        pairs = (item.split(":", 1) for item in value.split(";") if item)
        return {name: text for name, text in pairs}
    return {str(k): ",".join(v) if isinstance(v, list) else str(v) for k, v in value.items()}


def load_lab(inventory: str) -> HaLab:
    """Read the inventory with ``ansible-inventory`` and check it has the HA lab's shape."""
    listing = _inventory_listing(inventory)
    hostvars = listing["_meta"]["hostvars"]
    masters = {h: hostvars[h]["ansible_host"] for h in _group(listing, "mesos_masters")}
    zookeepers = {h: hostvars[h]["ansible_host"] for h in _group(listing, "zookeeper")}
    agents = tuple(
        Agent(
            h,
            hostvars[h]["ansible_host"],
            _attributes(hostvars[h].get("mesos_agent_attributes", {})),
        )
        for h in _group(listing, "mesos_agents")
    )
    if len(masters) != 3 or len(zookeepers) != 3 or len(agents) != 2:
        raise LabCommandError(
            f"{inventory}: the fault tests need 3 masters, 3 ZooKeeper servers and 2 agents, "
            f"found {len(masters)}, {len(zookeepers)} and {len(agents)}"
        )
    first_master = hostvars[next(iter(masters))]
    lab = HaLab(
        inventory=inventory,
        lab_name=first_master["lab_name"],
        masters=masters,
        zookeepers=zookeepers,
        agents=agents,
        mesos="real" if first_master.get("mesos_flavor") == "package" else "sim",
    )
    outside = [a for a in lab.addresses if ipaddress.ip_address(a) not in LAB_SUBNET]
    if outside:
        raise LabCommandError(f"{inventory}: {outside} outside the lab subnet {LAB_SUBNET}")
    return lab


def require_lab_addresses(lab: HaLab) -> None:
    """Before any traffic: every machine's address is on the lab's own bridge (up by now)."""
    for address in lab.addresses:
        require_lab_address(address)


# --- machines and units ------------------------------------------------------------------


def lab_tool(*args: str, timeout: float = COMMAND_TIMEOUT) -> str:
    """``python -m lab ARGS``, checked."""
    return checked([sys.executable, "-m", "lab", *args], timeout)


def machine_states(lab: HaLab) -> dict[str, dict[str, Any]]:
    """``lab status --json`` rows by machine name."""
    report = json.loads(lab_tool("status", "-i", lab.inventory, "--json"))
    return {row["name"]: row for row in report["machines"]}


def all_machines_running(lab: HaLab) -> bool:
    """Whether every machine of the lab runs."""
    return all(row["state"] == "running" for row in machine_states(lab).values())


def in_machine(lab: HaLab, host: str, command: str, timeout: float = COMMAND_TIMEOUT) -> str:
    """Run a shell command as root inside the host's machine (``lab ssh``), checked."""
    return lab_tool("ssh", lab.machine(host), "--", command, timeout=timeout)


def systemctl(lab: HaLab, host: str, action: str, unit: str) -> None:
    """``systemctl ACTION UNIT`` inside the host's machine."""
    in_machine(lab, host, f"systemctl {action} {unit}")


def unit_property(lab: HaLab, host: str, unit: str, name: str) -> str:
    """One property of a unit (``systemctl show -p NAME --value``)."""
    return in_machine(lab, host, f"systemctl show -p {name} --value {unit}").strip()


def kill_machine(lab: HaLab, host: str) -> None:
    """Power the machine off abruptly: SIGKILL its init (everything in it dies at once)."""
    row = machine_states(lab)[lab.machine(host)]
    init_pid, nspawn_pid = row.get("init_pid"), row.get("pid")
    if not init_pid:
        raise LabCommandError(f"{lab.machine(host)} has no running init: {row}")
    os.kill(int(init_pid), signal.SIGKILL)
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    for pid in (int(init_pid), int(nspawn_pid or 0)):
        while pid and _alive(pid):
            if time.monotonic() > deadline:
                raise LabCommandError(f"{lab.machine(host)}: pid {pid} survived SIGKILL")
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose: its namespaces are gone.
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def boot_missing_machines(lab: HaLab) -> None:
    """``python -m lab up -i INVENTORY``: boots the machines that do not run (idempotent)."""
    lab_tool("up", "-i", lab.inventory, timeout=600)


# What would switch a lab's flavor behind its inventory's back: `make test-faults MESOS_DEB=x`
# reaches a nested make through MAKEFLAGS, and make's MESOS_DEB overrides the inventory.
FLAVOR_OVERRIDES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MESOS_DEB", "MESOS_FLAVOR")
# The .deb the real HA lab's inventory installs (inventories/local-ha-real/group_vars/all.yml).
REAL_DEB_ENV = "MESOS_LAB_HA_REAL_DEB"


def make(target: str, lab: HaLab, timeout: float) -> str:
    """``make TARGET INVENTORY=...`` as a user types it; the inventory alone picks the Mesos
    (for the real lab, the package ``find_deb`` finds: $MESOS_DEB, else ../shared/mesos/).
    Returns its output."""
    env = {k: v for k, v in os.environ.items() if k not in FLAVOR_OVERRIDES}
    package = find_deb() if lab.mesos == "real" else None
    if package is not None:
        env[REAL_DEB_ENV] = str(package)
    return checked(["make", target, f"INVENTORY={lab.inventory}"], timeout, env)
