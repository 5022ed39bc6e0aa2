"""The lab bridge `mlab0`, IP forwarding and the nft table; plus the guard tests use."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path

from lab import shell
from lab.constants import BRIDGE, BRIDGE_ALIAS, GATEWAY, NFT_TABLE, SUBNET
from lab.errors import LabError
from lab.nftables import render_ruleset

SYS_NET = Path("/sys/class/net")
IP_FORWARD = Path("/proc/sys/net/ipv4/ip_forward")


@dataclass(frozen=True)
class InterfaceAddress:
    """One IPv4 address configured on a host interface."""

    ifname: str
    address: str
    prefixlen: int


@dataclass(frozen=True)
class BridgeState:
    """What the host has under the bridge's name."""

    exists: bool
    alias: str | None


def bridge_state(sys_net: Path = SYS_NET) -> BridgeState:
    """Whether `mlab0` exists and which ifalias it carries (readable without root)."""
    device = sys_net / BRIDGE
    if not device.exists():
        return BridgeState(exists=False, alias=None)
    try:
        alias = (device / "ifalias").read_text().strip() or None
    except OSError:
        alias = None
    return BridgeState(exists=True, alias=alias)


def require_lab_address(ip: str) -> None:
    """Raise LabError unless `ip` is in the lab subnet and `mlab0` is the lab's own bridge.

    Tests call this before sending anything to a 192.168.33.x address.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError as exc:
        raise LabError(f"{ip!r} is not an IP address") from exc
    if address not in SUBNET:
        raise LabError(f"{ip} is outside the lab subnet {SUBNET}; refusing to send traffic there")
    state = bridge_state()
    if not state.exists:
        raise LabError(f"bridge {BRIDGE} does not exist; start the lab (`python -m lab up`)")
    if state.alias != BRIDGE_ALIAS:
        raise LabError(f"bridge {BRIDGE} is not the lab's (ifalias {state.alias!r})")


def host_addresses() -> list[InterfaceAddress]:
    """Every IPv4 address on every host interface (`ip -j addr show`)."""
    result = shell.run(["ip", "-j", "-4", "addr", "show"], timeout=10)
    return parse_ip_addr_json(result.stdout)


def parse_ip_addr_json(text: str) -> list[InterfaceAddress]:
    """Parse `ip -j addr show` output into InterfaceAddress rows."""
    rows = []
    for link in json.loads(text or "[]"):
        for info in link.get("addr_info", []):
            if info.get("family") == "inet":
                rows.append(InterfaceAddress(link["ifname"], info["local"], int(info["prefixlen"])))
    return rows


def check_bridge_is_ours() -> None:
    """Refuse to touch an `mlab0` that someone else made."""
    state = bridge_state()
    if state.exists and state.alias != BRIDGE_ALIAS:
        raise LabError(
            f"interface {BRIDGE} exists but lacks the ifalias {BRIDGE_ALIAS!r} (alias: "
            f"{state.alias!r}); it is not the lab's bridge, remove or rename it first"
        )


def nft_table_present() -> bool:
    """Whether table `inet mesos_lab` exists."""
    result = shell.run(["nft", "list", "table", "inet", NFT_TABLE], timeout=10, check=False)
    return result.returncode == 0


def ensure_network(record: Path) -> list[str]:
    """Create what is missing of bridge, forwarding and NAT; return what was created."""
    check_bridge_is_ours()
    created = []
    if not bridge_state().exists:
        shell.run(["ip", "link", "add", BRIDGE, "type", "bridge"])
        shell.run(["ip", "link", "set", BRIDGE, "alias", BRIDGE_ALIAS])
        created.append(f"bridge {BRIDGE}")
    gateway = f"{GATEWAY}/{SUBNET.prefixlen}"
    on_bridge = [a for a in host_addresses() if a.ifname == BRIDGE]
    if not any(a.address == str(GATEWAY) for a in on_bridge):
        shell.run(["ip", "addr", "add", gateway, "dev", BRIDGE])
        created.append(f"address {gateway}")
    shell.run(["ip", "link", "set", BRIDGE, "up"])
    if IP_FORWARD.read_text().strip() != "1":
        _remember_forwarding(record, IP_FORWARD.read_text().strip())
        IP_FORWARD.write_text("1\n")
        created.append("net.ipv4.ip_forward=1")
    if not nft_table_present():
        shell.run(["nft", "-f", "-"], input_text=render_ruleset())
        created.append(f"nft table inet {NFT_TABLE}")
    return created


def remove_network(record: Path) -> list[str]:
    """Remove the nft table and the bridge, restore forwarding; return what was removed."""
    removed = []
    if nft_table_present():
        shell.run(["nft", "delete", "table", "inet", NFT_TABLE])
        removed.append(f"nft table inet {NFT_TABLE}")
    state = bridge_state()
    if state.exists and state.alias == BRIDGE_ALIAS:
        shell.run(["ip", "link", "delete", BRIDGE])
        removed.append(f"bridge {BRIDGE}")
    previous = _forwarding_before(record)
    if previous is not None:
        IP_FORWARD.write_text(f"{previous}\n")
        removed.append(f"net.ipv4.ip_forward={previous} (restored)")
    record.unlink(missing_ok=True)
    return removed


def _remember_forwarding(record: Path, value: str) -> None:
    if record.exists():
        return  # keep the value from before the lab first changed it
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"ip_forward_before": value}) + "\n")


def _forwarding_before(record: Path) -> str | None:
    try:
        return str(json.loads(record.read_text())["ip_forward_before"])
    except (OSError, ValueError, KeyError):
        return None
