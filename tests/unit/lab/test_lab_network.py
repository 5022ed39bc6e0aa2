"""Bridge facts, `ip -j addr` parsing and the address guard tests use."""

import json

import pytest

from lab import network
from lab.errors import LabError

IP_JSON = json.dumps(
    [
        {"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8}]},
        {
            "ifname": "mlab0",
            "addr_info": [
                {"family": "inet", "local": "192.168.33.1", "prefixlen": 24},
                {"family": "inet6", "local": "fe80::1", "prefixlen": 64},
            ],
        },
        {"ifname": "eth1", "addr_info": []},
    ]
)


def test_ip_addr_json_yields_ipv4_rows():
    assert network.parse_ip_addr_json(IP_JSON) == [
        network.InterfaceAddress("lo", "127.0.0.1", 8),
        network.InterfaceAddress("mlab0", "192.168.33.1", 24),
    ]


def test_bridge_state_reads_sysfs(tmp_path):
    assert network.bridge_state(tmp_path) == network.BridgeState(exists=False, alias=None)
    (tmp_path / "mlab0").mkdir()
    (tmp_path / "mlab0/ifalias").write_text("\n")
    assert network.bridge_state(tmp_path) == network.BridgeState(exists=True, alias=None)
    (tmp_path / "mlab0/ifalias").write_text("mesos-lab\n")
    assert network.bridge_state(tmp_path) == network.BridgeState(exists=True, alias="mesos-lab")


@pytest.mark.parametrize(
    ("ip", "message"),
    [("192.0.2.10", "outside the lab subnet"), ("8.8.8.8", "outside"), ("nope", "not an IP")],
)
def test_require_lab_address_refuses_addresses_outside_the_lab(ip, message):
    with pytest.raises(LabError, match=message):
        network.require_lab_address(ip)


def test_require_lab_address_checks_the_real_bridge():
    state = network.bridge_state()
    if state.exists and state.alias == "mesos-lab":
        network.require_lab_address("192.168.33.60")  # no exception
    else:
        with pytest.raises(LabError, match="mlab0"):
            network.require_lab_address("192.168.33.60")
