"""Inventory JSON (as `ansible-inventory --list` prints it) -> machine specs."""

from pathlib import Path

import pytest

from lab.errors import LabError
from lab.inventory import load_inventory, specs_from_inventory

REPO = Path(__file__).resolve().parents[3]


def inventory_json(hostvars, groups=None):
    data = {"_meta": {"hostvars": hostvars}, "all": {"children": ["ungrouped"]}}
    data.update(groups or {})
    return data


def test_each_host_becomes_lab_name_dash_host():
    data = inventory_json(
        {
            "master": {"lab_name": "seed", "ansible_host": "192.168.33.10"},
            "agent": {"lab_name": "seed", "ansible_host": "192.168.33.11"},
        }
    )
    lab = specs_from_inventory(data, "/inv")
    assert lab.lab_name == "seed"
    assert lab.inventory == "/inv"
    assert [(m.name, m.host, m.address) for m in lab.machines] == [
        ("seed-master", "master", "192.168.33.10"),
        ("seed-agent", "agent", "192.168.33.11"),
    ]


def test_controller_with_local_connection_is_not_a_machine():
    data = inventory_json(
        {
            "localhost": {"lab_name": "x", "ansible_connection": "local"},
            "m": {"lab_name": "x", "ansible_host": "192.168.33.70"},
        }
    )
    assert specs_from_inventory(data, "/inv").machine_names() == ["x-m"]


def test_lab_name_from_all_group_vars_counts():
    data = inventory_json({"m": {"ansible_host": "192.168.33.70"}})
    data["all"]["vars"] = {"lab_name": "grp"}
    assert specs_from_inventory(data, "/inv").machine_names() == ["grp-m"]


@pytest.mark.parametrize(
    ("hostvars", "message"),
    [
        ({"m": {"ansible_host": "192.168.33.70"}}, "no lab_name"),
        (
            {
                "a": {"lab_name": "one", "ansible_host": "192.168.33.70"},
                "b": {"lab_name": "two", "ansible_host": "192.168.33.71"},
            },
            "disagree on lab_name",
        ),
        ({"m": {"lab_name": "Bad_Name", "ansible_host": "192.168.33.70"}}, "lab_name 'Bad_Name'"),
        ({"m": {"lab_name": "x"}}, "has no ansible_host"),
        ({"m": {"lab_name": "x", "ansible_host": "10.0.0.5"}}, "outside the lab subnet"),
        ({"m": {"lab_name": "x", "ansible_host": "192.168.33.1"}}, "reserved"),
        ({"m": {"lab_name": "x", "ansible_host": "192.168.33.255"}}, "reserved"),
        ({"m": {"lab_name": "x", "ansible_host": "master.example"}}, "is not an IP"),
        (
            {"my_host": {"lab_name": "x", "ansible_host": "192.168.33.70"}},
            "machine name 'x-my_host'",
        ),
        (
            {
                "a": {"lab_name": "x", "ansible_host": "192.168.33.70"},
                "b": {"lab_name": "x", "ansible_host": "192.168.33.70"},
            },
            "both use address 192.168.33.70",
        ),
        ({"l": {"lab_name": "x", "ansible_connection": "local"}}, "no host with an ansible_host"),
    ],
)
def test_inventories_that_cannot_be_a_lab_are_rejected(hostvars, message):
    with pytest.raises(LabError, match=message):
        specs_from_inventory(inventory_json(hostvars), "/inv")


def test_host_listed_only_in_a_group_needs_an_address():
    data = inventory_json(
        {"m": {"lab_name": "x", "ansible_host": "192.168.33.70"}},
        {"zookeeper": {"hosts": ["bare"]}},
    )
    with pytest.raises(LabError, match="host bare has no ansible_host"):
        specs_from_inventory(data, "/inv")


def test_real_labtest_inventory_through_ansible_inventory():
    lab = load_inventory(REPO / "inventories/labtest")
    assert lab.lab_name == "labtest"
    assert sorted((m.name, m.address) for m in lab.machines) == [
        ("labtest-agent", "192.168.33.61"),
        ("labtest-master", "192.168.33.60"),
    ]


def test_missing_inventory_is_a_clear_error(tmp_path):
    with pytest.raises(LabError, match="does not exist"):
        load_inventory(tmp_path / "nope")


def test_unparsable_inventory_file_is_a_clear_error(tmp_path):
    (tmp_path / "hosts.yml").write_text("all:\n  hosts: [unclosed\n")
    with pytest.raises(LabError, match=r"cannot read .*YAML parsing failed"):
        load_inventory(tmp_path)


def test_lab_suite_defaults_to_bookworm_and_is_read_from_all_vars():
    hosts = {"m": {"lab_name": "x", "ansible_host": "192.168.33.70"}}
    assert specs_from_inventory(inventory_json(hosts), "/inv").machines[0].suite == "bookworm"
    data = inventory_json(hosts, {"all": {"vars": {"lab_suite": "trixie"}}})
    assert specs_from_inventory(data, "/inv").machines[0].suite == "trixie"


def test_a_host_lab_suite_overrides_the_lab_default_and_each_suite_is_listed_once():
    hosts = {
        "old": {"lab_name": "x", "ansible_host": "192.168.33.70", "lab_suite": "bullseye"},
        "new1": {"lab_name": "x", "ansible_host": "192.168.33.71"},
        "new2": {"lab_name": "x", "ansible_host": "192.168.33.72"},
    }
    lab = specs_from_inventory(
        inventory_json(hosts, {"all": {"vars": {"lab_suite": "trixie"}}}), "/i"
    )
    assert {m.host: m.suite for m in lab.machines} == {
        "old": "bullseye",
        "new1": "trixie",
        "new2": "trixie",
    }
    assert lab.suites() == ["bullseye", "trixie"]


@pytest.mark.parametrize("where", ["host", "all"])
def test_an_unknown_lab_suite_is_rejected(where):
    hosts = {"m0": {"lab_name": "x", "ansible_host": "192.168.33.70"}}
    groups = {}
    if where == "host":
        hosts["m0"]["lab_suite"] = "sid"
    else:
        groups = {"all": {"vars": {"lab_suite": "sid"}}}
    with pytest.raises(LabError, match="host m0: lab_suite 'sid' is not one of"):
        specs_from_inventory(inventory_json(hosts, groups), "/inv")
