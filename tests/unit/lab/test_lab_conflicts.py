"""Who else holds the addresses an inventory needs."""

from pathlib import Path

from lab.conflicts import address_conflicts
from lab.inventory import LabSpec, MachineSpec
from lab.network import InterfaceAddress
from lab.state import MachineRecord

LAB = LabSpec(
    lab_name="t",
    inventory="/inv/t",
    machines=(
        MachineSpec("t-master", "master", "192.168.33.60"),
        MachineSpec("t-agent", "agent", "192.168.33.61"),
    ),
)
HOST = [InterfaceAddress("lo", "127.0.0.1", 8), InterfaceAddress("eth0", "192.0.2.2", 24)]
GATEWAY_ON_BRIDGE = InterfaceAddress("mlab0", "192.168.33.1", 24)


def rec(name, address, inventory="/inv/other"):
    return MachineRecord(name, name.split("-")[0], inventory, "h", address, 1, 0.0)


def test_free_host_and_own_bridge_gateway_are_fine():
    assert address_conflicts(LAB, [*HOST, GATEWAY_ON_BRIDGE], []) == []


def test_own_running_machines_are_not_conflicts():
    records = [rec("t-master", "192.168.33.60", "/inv/t"), rec("t-agent", "192.168.33.61")]
    assert address_conflicts(LAB, HOST, records) == []


def test_machine_address_on_a_host_interface():
    problems = address_conflicts(LAB, [*HOST, InterfaceAddress("eth1", "192.168.33.61", 32)], [])
    assert problems == ["192.168.33.61 (for t-agent) is already on host interface eth1"]


def test_machine_address_added_to_the_bridge_itself():
    problems = address_conflicts(LAB, [InterfaceAddress("mlab0", "192.168.33.60", 24)], [])
    assert problems == ["192.168.33.60 (for t-master) is already on host interface mlab0"]


def test_lab_subnet_on_another_interface():
    problems = address_conflicts(LAB, [InterfaceAddress("br0", "192.168.33.1", 24)], [])
    assert len(problems) == 1
    assert "host interface br0 holds 192.168.33.1 inside the lab subnet" in problems[0]


def test_another_inventorys_machine_at_our_address():
    problems = address_conflicts(LAB, HOST, [rec("seed-master", "192.168.33.60")])
    assert problems == [
        "192.168.33.60 (for t-master) is used by machine seed-master of /inv/other; "
        "run `python -m lab down -i /inv/other` first"
    ]


def test_our_machine_running_at_an_address_the_inventory_no_longer_has():
    problems = address_conflicts(LAB, HOST, [rec("t-master", "192.168.33.99", "/inv/t")])
    assert len(problems) == 1
    assert "t-master exists at 192.168.33.99 but the inventory wants 192.168.33.60" in problems[0]


def test_machines_of_another_home_conflict_by_address_or_name():
    foreign = {
        Path("/other/home"): [
            rec("t-master", "192.168.33.99", "/inv/t"),  # our name
            rec("x-a", "192.168.33.61", "/inv/x"),  # our address
            rec("y-b", "192.168.33.98", "/inv/y"),  # neither
        ]
    }
    problems = address_conflicts(LAB, HOST, [], foreign)
    assert len(problems) == 2
    assert problems[0].startswith("machine t-master at 192.168.33.99 of MESOS_LAB_HOME=/other/home")
    assert "MESOS_LAB_HOME=/other/home python -m lab down -i /inv/x" in problems[1]
