"""Who else holds an address the lab needs (pure: facts in, problems out)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from lab.constants import BRIDGE, GATEWAY, SUBNET
from lab.inventory import LabSpec
from lab.network import InterfaceAddress
from lab.state import MachineRecord


def address_conflicts(
    lab: LabSpec,
    addresses: list[InterfaceAddress],
    records: list[MachineRecord],
    foreign: dict[Path, list[MachineRecord]] | None = None,
) -> list[str]:
    """Every reason `lab` cannot get its addresses and names; empty if it can.

    `records` are this MESOS_LAB_HOME's machines, `foreign` other homes' live ones by home.
    """
    wanted = {m.address: m.name for m in lab.machines}
    mine = {m.name: m.address for m in lab.machines}
    problems = []
    for held in addresses:
        ip = ipaddress.ip_address(held.address)
        if held.ifname == BRIDGE and ip == GATEWAY:
            continue  # the lab's own gateway
        if held.address in wanted:
            problems.append(
                f"{held.address} (for {wanted[held.address]}) is already on host interface "
                f"{held.ifname}"
            )
        elif held.ifname != BRIDGE and ip in SUBNET:
            problems.append(
                f"host interface {held.ifname} holds {held.address} inside the lab subnet "
                f"{SUBNET}; the lab needs that subnet on {BRIDGE}"
            )
    for record in records:
        owner = wanted.get(record.address)
        if owner is not None and record.name != owner:
            problems.append(
                f"{record.address} (for {owner}) is used by machine {record.name} of "
                f"{record.inventory}; run `python -m lab down -i {record.inventory}` first"
            )
        if record.name in mine and record.address != mine[record.name]:
            problems.append(
                f"machine {record.name} exists at {record.address} but the inventory wants "
                f"{mine[record.name]}; run `python -m lab down -i {lab.inventory}` first"
            )
    for home, others in (foreign or {}).items():
        for record in others:
            if record.address in wanted or record.name in mine:
                problems.append(
                    f"machine {record.name} at {record.address} of MESOS_LAB_HOME={home} "
                    f"holds an address or name {lab.lab_name} needs; run `MESOS_LAB_HOME={home} "
                    f"python -m lab down -i {record.inventory}` first"
                )
    return problems
