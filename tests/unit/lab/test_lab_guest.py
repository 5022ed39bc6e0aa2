"""Files written into a machine's root file system: networkd, hosts, resolv.conf, SSH."""

import configparser
import stat

import pytest

from lab import guest
from lab.inventory import LabSpec, MachineSpec
from lab.shell import which

MASTER = MachineSpec(name="t-master", host="master", address="192.168.33.60")
AGENT = MachineSpec(name="t-agent", host="agent", address="192.168.33.61")
LAB = LabSpec(lab_name="t", inventory="/inv", machines=(MASTER, AGENT))


def parse_unit(text):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def test_networkd_file_matches_host0_with_static_address_gateway_and_dns():
    unit = parse_unit(guest.render_networkd("192.168.33.60", ["10.255.255.53"]))
    assert unit["Match"]["Name"] == "host0"
    assert unit["Network"]["Address"] == "192.168.33.60/24"
    assert unit["Network"]["Gateway"] == "192.168.33.1"
    assert unit["Network"]["DNS"] == "10.255.255.53"


def test_networkd_file_without_dns_has_no_dns_line():
    assert "DNS=" not in guest.render_networkd("192.168.33.60", [])


def test_networkd_file_sorts_before_nspawn_default():
    assert guest.NETWORK_FILE.name < "80-container-host0.network"


def test_hosts_file_names_every_machine_of_the_lab():
    lines = guest.render_hosts(MASTER, LAB).splitlines()
    assert "192.168.33.60\tmaster t-master" in lines
    assert "192.168.33.61\tagent t-agent" in lines
    assert lines[0] == "127.0.0.1\tlocalhost"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nameserver 10.255.255.53\n", ["10.255.255.53"]),
        ("# c\nsearch x\nnameserver 127.0.0.53\nnameserver 9.9.9.9\n", ["9.9.9.9"]),
        ("nameserver fd00::1\nnameserver bogus\n", []),
        ("", []),
    ],
)
def test_nameservers_a_machine_can_reach(text, expected):
    assert guest.parse_nameservers(text) == expected


def test_resolved_stub_falls_back_to_the_upstream_servers(tmp_path):
    stub, upstream = tmp_path / "resolv.conf", tmp_path / "upstream.conf"
    stub.write_text("nameserver 127.0.0.53\n")
    upstream.write_text("nameserver 192.0.2.53\n")
    assert guest.host_nameservers((stub, upstream)) == ["192.0.2.53"]
    assert guest.host_nameservers((tmp_path / "missing", stub)) == []


@pytest.mark.skipif(which("ssh-keygen") is None, reason="needs ssh-keygen")
def test_configure_writes_identity_network_and_fresh_host_keys(tmp_path):
    root = tmp_path / "root"
    for directory in ("etc/ssh", "root"):
        (root / directory).mkdir(parents=True)
    (root / "etc/ssh/ssh_host_ed25519_key").write_text("base key, must go")
    (root / "etc/resolv.conf").symlink_to("/run/elsewhere/resolv.conf")
    guest.configure(root, MASTER, LAB, ["10.0.0.2"], "ssh-ed25519 AAAA lab\n")

    assert (root / "etc/hostname").read_text() == "master\n"
    assert len((root / "etc/machine-id").read_text().strip()) == 32
    assert "Address=192.168.33.60/24" in (root / guest.NETWORK_FILE).read_text()
    resolv = root / "etc/resolv.conf"
    assert not resolv.is_symlink()
    assert resolv.read_text() == "nameserver 10.0.0.2\n"
    key = (root / "etc/ssh/ssh_host_ed25519_key").read_text()
    assert key.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    authorized = root / "root/.ssh/authorized_keys"
    assert authorized.read_text() == "ssh-ed25519 AAAA lab\n"
    assert stat.S_IMODE(authorized.stat().st_mode) == 0o600
    assert stat.S_IMODE((root / "root/.ssh").stat().st_mode) == 0o700
    known = guest.host_key_lines(root, MASTER.address).splitlines()
    assert any(line.startswith("192.168.33.60 ssh-ed25519 ") for line in known)


@pytest.mark.skipif(which("ssh-keygen") is None, reason="needs ssh-keygen")
def test_two_machines_from_one_base_get_different_host_keys_and_ids(tmp_path):
    keys = []
    for spec in (MASTER, AGENT):
        root = tmp_path / spec.name
        (root / "etc/ssh").mkdir(parents=True)
        guest.configure(root, spec, LAB, [], "k")
        keys.append(
            (
                (root / "etc/ssh/ssh_host_ed25519_key.pub").read_text(),
                (root / "etc/machine-id").read_text(),
            )
        )
    assert keys[0][0] != keys[1][0]
    assert keys[0][1] != keys[1][1]
