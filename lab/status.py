"""`lab status`: the truth about an inventory's machines and the lab network."""

from __future__ import annotations

import json
from typing import Any

from lab import hostdeps, machine, network
from lab.constants import BRIDGE, BRIDGE_ALIAS, NFT_TABLE
from lab.inventory import MachineSpec, load_inventory
from lab.paths import LabPaths
from lab.state import classify, read_record


def machine_report(paths: LabPaths, spec: MachineSpec) -> dict[str, Any]:
    """One machine's facts, as plain data."""
    seen, init_pid = machine.observe(paths, spec.name)
    record = read_record(paths, spec.name)
    return {
        "name": spec.name,
        "host": spec.host,
        "address": spec.address,
        "state": classify(seen).value,
        "pid": record.pid if record is not None and seen.nspawn_alive else None,
        "init_pid": init_pid,
        "systemd": seen.system_state,
        "root_fs": seen.directory,
    }


def network_report() -> dict[str, Any]:
    """Bridge and nft table facts."""
    bridge = network.bridge_state()
    nft = network.nft_table_present()
    return {
        "bridge": BRIDGE,
        "bridge_present": bridge.exists,
        "bridge_is_lab": bridge.exists and bridge.alias == BRIDGE_ALIAS,
        "nft_table": f"inet {NFT_TABLE}",
        "nft_table_present": nft,
    }


def collect(paths: LabPaths, inventory: str) -> dict[str, Any]:
    """The full status report of `inventory`."""
    lab = load_inventory(inventory)
    return {
        "lab_name": lab.lab_name,
        "inventory": lab.inventory,
        "network": network_report(),
        "machines": [machine_report(paths, spec) for spec in lab.machines],
    }


def render_text(report: dict[str, Any]) -> str:
    """Human-readable table of a status report."""
    net = report["network"]
    bridge = (
        "present" if net["bridge_is_lab"] else ("FOREIGN" if net["bridge_present"] else "absent")
    )
    nft = "present" if net["nft_table_present"] else "absent"
    lines = [
        f"lab {report['lab_name']} ({report['inventory']})",
        f"network: bridge {net['bridge']} {bridge}, nft table {net['nft_table']} {nft}",
        f"{'machine':<24} {'address':<15} {'state':<9} {'pid':>7} {'systemd':<12}",
    ]
    for m in report["machines"]:
        pid = str(m["pid"]) if m["pid"] is not None else "-"
        lines.append(
            f"{m['name']:<24} {m['address']:<15} {m['state']:<9} {pid:>7} {m['systemd'] or '-':<12}"
        )
    return "\n".join(lines)


def status(paths: LabPaths, inventory: str, as_json: bool) -> int:
    """Print the report; exit status 0 (the report itself says what runs)."""
    hostdeps.require_root("lab status")
    report = collect(paths, inventory)
    print(json.dumps(report, indent=2) if as_json else render_text(report))
    return 0
