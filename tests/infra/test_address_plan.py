"""Lab inventories never collide: own lab_name, own addresses, all on the lab subnet.

Covers every inventory the lab tool may boot: inventories/* (except the Vagrant VMs, which
reuse the seed's addresses on their own network) and every molecule scenario's inventory.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from . import repo

LAB_SUBNET = ipaddress.ip_network("192.168.33.0/24")
BRIDGE_ADDRESS = ipaddress.ip_address("192.168.33.1")
LAB_KEY = "/var/lib/mesos-lab/ssh/id_ed25519"
NOT_LAB_MACHINES = {"vagrant"}


def lab_inventories() -> list[Path]:
    inventories = [
        path
        for path in sorted((repo.REPO / "inventories").iterdir())
        if path.is_dir() and path.name not in NOT_LAB_MACHINES
    ]
    scenario_hosts = (repo.REPO / "molecule").glob("*/inventory/hosts.yml")
    scenarios = sorted(path.parent for path in scenario_hosts)
    return inventories + scenarios


INVENTORIES = lab_inventories()


def inventory_id(path: Path) -> str:
    return str(path.relative_to(repo.REPO))


@pytest.fixture(scope="module")
def listings() -> dict[str, dict]:
    return {inventory_id(path): repo.inventory(path) for path in INVENTORIES}


def lab_machines(listing: dict) -> dict[str, ipaddress.IPv4Address]:
    """inventory host -> address, for hosts the lab tool boots (ansible_host on the subnet)."""
    machines = {}
    for host in repo.group_hosts(listing, "all"):
        address = repo.host_vars(listing, host).get("ansible_host")
        if address and ipaddress.ip_address(address) in LAB_SUBNET:
            machines[host] = ipaddress.ip_address(address)
    return machines


def lab_name(listing: dict) -> str | None:
    names = {repo.host_vars(listing, host).get("lab_name") for host in lab_machines(listing)}
    assert len(names) == 1, f"hosts disagree on lab_name: {names}"
    return names.pop()


def test_the_seed_lab_and_the_zookeeper_scenario_are_covered():
    ids = {inventory_id(path) for path in INVENTORIES}
    assert {"inventories/local", "molecule/zookeeper/inventory"} <= ids


@pytest.mark.parametrize("inventory", [inventory_id(path) for path in INVENTORIES])
def test_inventory_boots_machines_and_reaches_them_with_the_lab_key(inventory, listings):
    listing = listings[inventory]
    machines = lab_machines(listing)
    assert machines, f"{inventory}: no host with an ansible_host on {LAB_SUBNET}"
    assert lab_name(listing), f"{inventory}: no lab_name"
    for host, address in machines.items():
        assert address != BRIDGE_ADDRESS, f"{inventory}: {host} uses the bridge's address"
        variables = repo.host_vars(listing, host)
        assert variables.get("ansible_user") == "root", f"{inventory}: {host}"
        assert variables.get("ansible_ssh_private_key_file") == LAB_KEY, f"{inventory}: {host}"


def test_no_two_inventories_share_a_lab_name_or_an_address(listings):
    owners_by_name: dict[str, list[str]] = {}
    owners_by_address: dict[ipaddress.IPv4Address, list[str]] = {}
    for inventory, listing in listings.items():
        owners_by_name.setdefault(lab_name(listing), []).append(inventory)
        for address in set(lab_machines(listing).values()):
            owners_by_address.setdefault(address, []).append(inventory)
    shared_names = {name: who for name, who in owners_by_name.items() if len(who) > 1}
    shared_addresses = {str(a): who for a, who in owners_by_address.items() if len(who) > 1}
    assert not shared_names, f"lab_name used twice: {shared_names}"
    assert not shared_addresses, f"address used twice: {shared_addresses}"


def test_no_inventory_gives_two_hosts_one_address(listings):
    for inventory, listing in listings.items():
        addresses = list(lab_machines(listing).values())
        assert len(addresses) == len(set(addresses)), inventory


def test_zookeeper_scenario_uses_its_planned_name_and_address(listings):
    listing = listings["molecule/zookeeper/inventory"]
    assert lab_name(listing) == "molzk"
    assert lab_machines(listing) == {"zk1": ipaddress.ip_address("192.168.33.20")}
    assert repo.group_hosts(listing, "zookeeper") == {"zk1"}


def test_ha_scenario_uses_its_planned_name_and_addresses(listings):
    listing = listings["molecule/ha/inventory"]
    assert lab_name(listing) == "molha"
    planned = {
        f"{host}": f"192.168.33.{50 + i}" for i, host in enumerate(("m1", "m2", "m3", "a1", "a2"))
    }
    assert {h: str(a) for h, a in lab_machines(listing).items()} == planned
    assert repo.group_hosts(listing, "zookeeper") == {"m1", "m2", "m3"}
    assert repo.group_hosts(listing, "mesos_masters") == {"m1", "m2", "m3"}
    assert repo.group_hosts(listing, "mesos_agents") == {"a1", "a2"}
    racks = {h: repo.host_vars(listing, h)["mesos_agent_attributes"]["rack"] for h in ("a1", "a2")}
    assert racks == {"a1": "r2d2", "a2": "c3po"}
    assert repo.host_vars(listing, "m1").get("mesos_tls") is True
