"""Per-machine files written into a copied root file system before it boots."""

from __future__ import annotations

import ipaddress
import uuid
from pathlib import Path

from lab import cgroups, shell
from lab.constants import GATEWAY, SUBNET
from lab.inventory import LabSpec, MachineSpec

NETWORK_FILE = Path("etc/systemd/network/10-lab.network")  # sorts before 80-container-host0
# systemd-resolved hosts point /etc/resolv.conf at 127.0.0.53, which a machine cannot reach;
# the second file then lists the real upstream servers.
RESOLV_CONFS = (Path("/etc/resolv.conf"), Path("/run/systemd/resolve/resolv.conf"))


def render_networkd(address: str, dns: list[str]) -> str:
    """systemd-networkd config for the container side of the veth (`host0`)."""
    lines = [
        "[Match]",
        "Name=host0",
        "",
        "[Network]",
        f"Address={address}/{SUBNET.prefixlen}",
        f"Gateway={GATEWAY}",
        *(f"DNS={server}" for server in dns),
        "LinkLocalAddressing=no",
        "IPv6AcceptRA=no",
        "",
    ]
    return "\n".join(lines)


def render_hosts(machine: MachineSpec, lab: LabSpec) -> str:
    """/etc/hosts: localhost, then every machine of the lab (its own name on its lab address)."""
    lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
    lines += [f"{m.address}\t{m.host} {m.name}" for m in lab.machines]
    return "\n".join(lines) + "\n"


def render_resolv_conf(dns: list[str]) -> str:
    """/etc/resolv.conf for a machine (no resolver daemon inside)."""
    return "".join(f"nameserver {server}\n" for server in dns)


def parse_nameservers(text: str) -> list[str]:
    """Nameservers from resolv.conf text that a machine can reach (not host loopback)."""
    servers = []
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "nameserver":
            try:
                address = ipaddress.ip_address(words[1])
            except ValueError:
                continue
            if address.version == 4 and not address.is_loopback:
                servers.append(str(address))
    return servers


def host_nameservers(candidates: tuple[Path, ...] = RESOLV_CONFS) -> list[str]:
    """The host's IPv4 nameservers a machine can reach, from the first file that has any."""
    for resolv_conf in candidates:
        try:
            servers = parse_nameservers(resolv_conf.read_text())
        except OSError:
            continue
        if servers:
            return servers
    return []


def configure(root: Path, machine: MachineSpec, lab: LabSpec, dns: list[str], pubkey: str) -> None:
    """Write identity, network, name resolution and SSH access into `root`."""
    (root / "etc/hostname").write_text(f"{machine.host}\n")
    (root / "etc/hosts").write_text(render_hosts(machine, lab))
    (root / "etc/machine-id").write_text(f"{uuid.uuid4().hex}\n")
    network_file = root / NETWORK_FILE
    network_file.parent.mkdir(parents=True, exist_ok=True)
    network_file.write_text(render_networkd(machine.address, dns))
    resolv = root / "etc/resolv.conf"
    resolv.unlink(missing_ok=True)  # may be a symlink into the host's /run
    resolv.write_text(render_resolv_conf(dns))
    for key in (root / "etc/ssh").glob("ssh_host_*"):
        key.unlink()
    shell.run(["ssh-keygen", "-A", "-f", str(root)], timeout=60)
    ssh_dir = root / "root/.ssh"
    ssh_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    ssh_dir.chmod(0o700)
    authorized = ssh_dir / "authorized_keys"
    authorized.write_text(pubkey.strip() + "\n")
    authorized.chmod(0o600)
    cgroups.write_guest_unit(root, machine.cgroups)


def host_key_lines(root: Path, address: str) -> str:
    """known_hosts lines for the machine's freshly generated host keys."""
    lines = []
    for pub in sorted((root / "etc/ssh").glob("ssh_host_*_key.pub")):
        kind, key = pub.read_text().split()[:2]
        lines.append(f"{address} {kind} {key}")
    return "\n".join(lines) + "\n"
