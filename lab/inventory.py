"""Inventory -> machine specs: every host with an `ansible_host` in the lab subnet is a machine."""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lab import cgroups, shell
from lab.constants import GATEWAY, SUBNET, SUITE, SUITES
from lab.errors import LabError

NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
MAX_MACHINE_NAME = 63  # a host name label


@dataclass(frozen=True)
class MachineSpec:
    """One machine an inventory asks for."""

    name: str  # <lab_name>-<inventory_hostname>
    host: str  # inventory_hostname, also the machine's host name
    address: str  # in SUBNET
    cgroups: tuple[str, ...] = ()  # host var lab_cgroups: controllers granted writable
    suite: str = SUITE  # Debian release (lab_suite: the host's, else all: vars:, else SUITE)


@dataclass(frozen=True)
class LabSpec:
    """The machines of one inventory."""

    lab_name: str
    inventory: str  # absolute path
    machines: tuple[MachineSpec, ...]

    def machine_names(self) -> list[str]:
        """Names of every machine of this lab, in inventory order."""
        return [machine.name for machine in self.machines]

    def suites(self) -> list[str]:
        """The Debian releases its machines run, each once, in inventory order."""
        return list(dict.fromkeys(machine.suite for machine in self.machines))


def ansible_inventory_program() -> str:
    """The venv's ansible-inventory (next to this Python), else the one on PATH."""
    beside = Path(sys.executable).parent / "ansible-inventory"
    if beside.exists():
        return str(beside)
    found = shell.which("ansible-inventory")
    if found is None:
        raise LabError("ansible-inventory not found; create the venv first (`make venv`)")
    return found


def load_inventory(path: str | Path) -> LabSpec:
    """Read `path` with ansible-inventory and turn it into a LabSpec."""
    inventory = Path(path).absolute()
    if not inventory.exists():
        raise LabError(f"inventory {inventory} does not exist")
    result = shell.run(
        [ansible_inventory_program(), "-i", str(inventory), "--list"],
        timeout=120,
        check=False,
        # A file ansible cannot parse is an error, not a warning and an empty inventory.
        extra_env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"},
    )
    if result.returncode != 0:
        raise LabError(f"ansible-inventory cannot read {inventory}: {parse_failure(result.stderr)}")
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise LabError(f"ansible-inventory printed no JSON for {inventory}: {exc}") from exc
    return specs_from_inventory(data, str(inventory))


def parse_failure(stderr: str) -> str:
    """The telling line of ansible-inventory's complaint (its last line is a generic one)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "Failed to parse" in line:
            return line.removeprefix("[WARNING]:").strip()
    return lines[-1] if lines else "no output"


def specs_from_inventory(data: dict[str, Any], inventory: str) -> LabSpec:
    """Turn `ansible-inventory --list` JSON into a LabSpec, rejecting what cannot be a lab."""
    hostvars: dict[str, dict[str, Any]] = data.get("_meta", {}).get("hostvars", {})
    hosts = _all_hosts(data, hostvars)
    lab_name = _lab_name(data, hostvars, hosts, inventory)
    lab_suite = data.get("all", {}).get("vars", {}).get("lab_suite") or SUITE
    machines: list[MachineSpec] = []
    owners: dict[str, str] = {}
    for host in hosts:
        variables = hostvars.get(host, {})
        if variables.get("ansible_connection") == "local":
            continue  # the controller itself, not a machine
        address = _host_address(host, variables, inventory)
        if address in owners:
            raise LabError(
                f"{inventory}: hosts {owners[address]} and {host} both use address {address}"
            )
        owners[address] = host
        machines.append(
            MachineSpec(
                name=_machine_name(lab_name, host),
                host=host,
                address=address,
                cgroups=_host_cgroups(host, variables, inventory),
                suite=_host_suite(host, variables, lab_suite, inventory),
            )
        )
    if not machines:
        raise LabError(f"{inventory}: no host with an ansible_host in {SUBNET}")
    return LabSpec(lab_name=lab_name, inventory=inventory, machines=tuple(machines))


def _all_hosts(data: dict[str, Any], hostvars: dict[str, Any]) -> list[str]:
    """Every host name, in first-seen order (hosts without variables only appear in groups)."""
    seen: dict[str, None] = dict.fromkeys(hostvars)
    for group, body in data.items():
        if group != "_meta" and isinstance(body, dict):
            seen.update(dict.fromkeys(body.get("hosts", [])))
    return list(seen)


def _lab_value(
    key: str, data: dict[str, Any], hostvars: dict[str, Any], hosts: list[str], inventory: str
) -> str | None:
    """The one value of the lab-wide variable ``key`` (hosts' vars and all: vars:), or None."""
    values = {str(hostvars.get(host, {}).get(key)) for host in hosts}
    values.discard("None")
    group_value = data.get("all", {}).get("vars", {}).get(key)
    if group_value is not None:
        values.add(str(group_value))
    if len(values) > 1:
        raise LabError(f"{inventory}: hosts disagree on {key} ({', '.join(sorted(values))})")
    return values.pop() if values else None


def _host_suite(host: str, variables: dict[str, Any], default: str, inventory: str) -> str:
    suite = str(variables.get("lab_suite") or default)
    if suite not in SUITES:
        raise LabError(
            f"{inventory}: host {host}: lab_suite {suite!r} is not one of {', '.join(SUITES)}"
        )
    return suite


def _lab_name(
    data: dict[str, Any], hostvars: dict[str, Any], hosts: list[str], inventory: str
) -> str:
    name = _lab_value("lab_name", data, hostvars, hosts, inventory)
    if name is None:
        raise LabError(f"{inventory}: no lab_name; set it under all: vars: (e.g. lab_name: seed)")
    if not NAME_RE.match(name):
        raise LabError(f"{inventory}: lab_name {name!r} must be lower-case letters, digits, '-'")
    return name


def _host_address(host: str, variables: dict[str, Any], inventory: str) -> str:
    raw = variables.get("ansible_host")
    if raw is None:
        raise LabError(f"{inventory}: host {host} has no ansible_host (a lab machine needs one)")
    try:
        address = ipaddress.ip_address(str(raw))
    except ValueError as exc:
        raise LabError(f"{inventory}: host {host}: ansible_host {raw!r} is not an IP") from exc
    if address not in SUBNET:
        raise LabError(f"{inventory}: host {host} at {address} is outside the lab subnet {SUBNET}")
    if address in (SUBNET.network_address, SUBNET.broadcast_address, GATEWAY):
        raise LabError(f"{inventory}: host {host}: {address} is reserved (network/gateway)")
    return str(address)


def _host_cgroups(host: str, variables: dict[str, Any], inventory: str) -> tuple[str, ...]:
    raw = variables.get("lab_cgroups") or []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise LabError(f"{inventory}: host {host}: lab_cgroups must be a list of controller names")
    controllers = tuple(dict.fromkeys(raw))
    cgroups.check_names(controllers, f"{inventory}: host {host}")
    return controllers


def _machine_name(lab_name: str, host: str) -> str:
    name = f"{lab_name}-{host}"
    if not NAME_RE.match(name) or len(name) > MAX_MACHINE_NAME:
        raise LabError(
            f"machine name {name!r} (lab_name-host) must be at most {MAX_MACHINE_NAME} "
            "lower-case letters, digits or '-'"
        )
    return name
