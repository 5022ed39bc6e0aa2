"""check_arguments(): arguments ansible-core would convert to text, or fail on without naming
the option, are caught from the raw arguments; the spec to build the module with is returned."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from mesos_client import argument_problem, check_arguments

SPEC: dict[str, dict[str, Any]] = {
    "name": {"type": "str", "required": True},
    "ca_path": {"type": "path"},
    "master": {"type": "raw"},
    "cpus": {"type": "float"},
    "env": {"type": "dict"},
    "framework": {
        "type": "dict",
        "options": {
            "name": {"type": "str"},
            "secret": {"type": "str", "no_log": True},
        },
    },
    "container": {
        "type": "dict",
        "options": {
            "image": {"type": "str"},
            "port_mappings": {
                "type": "list",
                "elements": "dict",
                "options": {"protocol": {"type": "str"}},
            },
        },
    },
}


@pytest.mark.parametrize(
    "raw",
    [
        {"name": "web"},
        {"name": 42, "cpus": "abc", "env": ["x"]},  # ansible-core converts or names these
        {"name": "web", "master": {"any": "thing"}},  # raw: the module checks it
        {"name": "web", "framework": {"name": "fw", "secret": "s"}},
        {"name": "web", "framework": '{"name": "fw"}'},  # ansible-core parses JSON text
        {"name": "web", "framework": "name=fw"},  # ... and key=value text
        {"name": "web", "container": {"image": "i", "port_mappings": [{"protocol": "tcp"}]}},
        {"name": "web", "container": {"port_mappings": {"protocol": "tcp"}}},
        {"name": None, "framework": None},
    ],
)
def test_usable_arguments_pass_unchanged(raw: dict[str, Any]) -> None:
    problem, spec = check_arguments(raw, SPEC)
    assert problem is None
    assert spec == SPEC


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": {"a": 1}}, "name must be a string, not a dict"),
        ({"name": ["a"]}, "name must be a string, not a list"),
        ({"ca_path": {"a": 1}}, "ca_path must be a string, not a dict"),
        ({"framework": {"name": {"a": 1}}}, "framework.name must be a string, not a dict"),
        ({"framework": ["a", "list"]}, "framework must be a dict of suboptions, not a list"),
        ({"framework": "just text"}, "framework must be a dict of suboptions, not a str"),
        ({"container": 5}, "container must be a dict of suboptions, not a int"),
        (
            {"container": {"port_mappings": ["tcp"]}},
            "container.port_mappings[0] must be a dict of suboptions, not a str",
        ),
        (
            {"container": {"port_mappings": [{}, {"protocol": ["tcp"]}]}},
            "container.port_mappings[1].protocol must be a string, not a list",
        ),
    ],
)
def test_unusable_arguments_are_named(raw: dict[str, Any], message: str) -> None:
    assert argument_problem(raw, SPEC) == message


def test_a_secret_is_never_in_the_message() -> None:
    problem = argument_problem({"framework": {"secret": {"s3cr3t": "s3cr3t"}}}, SPEC)
    assert problem == "framework.secret must be a string, not a dict"


def test_wrong_shapes_are_declared_raw_in_the_returned_spec() -> None:
    original = copy.deepcopy(SPEC)
    raw = {"framework": ["a"], "container": {"port_mappings": ["tcp"]}, "name": {"x": 1}}
    problem, spec = check_arguments(raw, SPEC)
    assert problem == "name must be a string, not a dict"
    assert spec["framework"] == {"type": "raw", "no_log": False}
    assert spec["container"]["options"]["port_mappings"] == {"type": "raw", "no_log": False}
    assert spec["container"]["options"]["image"] == SPEC["container"]["options"]["image"]
    assert spec["name"] == SPEC["name"]  # ansible-core converts it; the module fails anyway
    assert original == SPEC  # the module's own spec is not touched
