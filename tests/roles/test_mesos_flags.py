"""The mesos_common filters: role variables -> Mesos flag values and wrapper flag files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

PLUGIN = Path(__file__).resolve().parents[2] / "roles/mesos_common/filter_plugins/mesos_flags.py"
_spec = importlib.util.spec_from_file_location("mesos_flags", PLUGIN)
mesos_flags = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mesos_flags)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"rack": "r2d2", "pod": "demo,dev"}, "rack:r2d2;pod:demo,dev"),
        ({"rack": "r2d2", "pod": ["demo", "dev"]}, "rack:r2d2;pod:demo,dev"),
        ("rack:r2d2;pod:demo,dev", "rack:r2d2;pod:demo,dev"),
        ({"zone": 3, "weight": 0.5, "size": 2.0}, "zone:3;weight:0.5;size:2"),
        ({}, ""),
        ("", ""),
    ],
)
def test_attributes(value, expected):
    assert mesos_flags.mesos_attributes(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"rack": "a;b"}, "must not contain ';'"),
        ({"rack": "a:b"}, "must not contain ':'"),
        ({"rack": True}, "boolean"),
        ({"rack": ""}, "empty value"),
        ({"rack": []}, "empty list"),
        ({"rack": {"nested": 1}}, "expected a string or a number"),
        ({"bad name": "x"}, "invalid name"),
        (["rack:r2d2"], "must be a dict or a string"),
        (5, "must be a dict or a string"),
    ],
)
def test_attributes_refused(value, message):
    with pytest.raises(AnsibleFilterError, match=message):
        mesos_flags.mesos_attributes(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"cpus": 2, "mem": 1024, "disk": 4096, "ports": "[31000-32000]"},
            "cpus:2;mem:1024;disk:4096;ports:[31000-32000]",
        ),
        ({"ports": [[31000, 32000], [9000, 9100]]}, "ports:[31000-32000,9000-9100]"),
        ({"ports": [{"begin": 1, "end": 2}]}, "ports:[1-2]"),
        ({"gpus_set": ["a", "b"]}, "gpus_set:{a,b}"),
        ({"cpus": 0.5}, "cpus:0.5"),
        ("cpus:2;mem:496", "cpus:2;mem:496"),
    ],
)
def test_resources(value, expected):
    assert mesos_flags.mesos_resources(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"ports": [[32000, 31000]]}, "ends before it begins"),
        ({"ports": [[1, 2, 3]]}, "a range is"),
        ({"ports": [["a", "b"]]}, "a range is|integers"),
        ({"cpus": False}, "boolean"),
        ({"cpus": None}, "expected a string or a number"),
    ],
)
def test_resources_refused(value, message):
    with pytest.raises(AnsibleFilterError, match=message):
        mesos_flags.mesos_resources(value)


def test_flag_files_follow_the_wrapper_conventions():
    files = mesos_flags.mesos_flag_files(
        {
            "port": 5050,
            "quorum": 2,
            "cluster": " lab ",
            "hostname_lookup": False,
            "authenticate_http_frameworks": True,
            "launcher": None,
            "isolation": "",
            "acls": {"permissive": True},
            "zone_weights": [1, 2],
            "offer_timeout": 1.5,
        }
    )
    assert files == {
        "port": "5050\n",
        "quorum": "2\n",
        "cluster": "lab\n",
        "?no-hostname_lookup": "",
        "?authenticate_http_frameworks": "",
        "acls": '{"permissive":true}\n',
        "zone_weights": "[1,2]\n",
        "offer_timeout": "1.5\n",
    }


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"Port": 1}, "invalid Mesos flag name"),
        ({"no-port": 1}, "invalid Mesos flag name"),
        ({"../etc/passwd": "x"}, "invalid Mesos flag name"),
        ({"cluster": "two\nlines"}, "one line"),
        (["port"], "flags must be a dict"),
    ],
)
def test_flag_files_refused(flags, message):
    with pytest.raises(AnsibleFilterError, match=message):
        mesos_flags.mesos_flag_files(flags)


def test_flag_changes_lists_missing_and_different_files_only():
    wanted = {"ip": "10.0.0.1\n", "port": "5051\n", "?no-strict": "", "attributes": "a:b\n"}
    present = {"ip": "10.0.0.1\n", "port": "5050\n", "attributes": None, "stale": "x\n"}
    assert mesos_flags.mesos_flag_changes(wanted, present) == [
        {"key": "port", "value": "5051\n"},
        {"key": "?no-strict", "value": ""},
        {"key": "attributes", "value": "a:b\n"},
    ]
    assert mesos_flags.mesos_flag_changes(wanted, dict(wanted)) == []


def test_flag_stale_lists_unwanted_entries_and_anything_not_a_plain_file():
    wanted = {"ip": "10.0.0.1\n", "attributes": "a:b\n"}
    present = {"ip": "10.0.0.1\n", "attributes": None, "?no-strict": "", "quorum": "1\n"}
    assert mesos_flags.mesos_flag_stale(wanted, present) == ["attributes", "?no-strict", "quorum"]
    assert mesos_flags.mesos_flag_stale(wanted, {}) == []
    with pytest.raises(AnsibleFilterError, match="two dicts"):
        mesos_flags.mesos_flag_stale(wanted, ["ip"])


def test_filter_module_exports_every_filter():
    assert set(mesos_flags.FilterModule().filters()) == {
        "mesos_attributes",
        "mesos_resources",
        "mesos_flag_files",
        "mesos_flag_changes",
        "mesos_flag_stale",
    }
