"""argument_problem(): arguments ansible-core would convert to text, or fail on without naming
the option, are caught from the raw arguments; secret_texts(): their secrets are found whatever
their shape, for the module's no_log values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mesos_client import argument_problem, secret_texts

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
        None,  # no arguments at all: AnsibleModule says so itself
    ],
)
def test_usable_arguments_have_no_problem(raw: dict[str, Any] | None) -> None:
    assert argument_problem(raw, SPEC) is None


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


def _parse_dict(text: str) -> dict[str, Any]:
    """A stand-in for ansible-core's check_type_dict: JSON, or ``k=v`` pairs."""
    if text.startswith("{"):
        return json.loads(text)
    pairs = [field.split("=", 1) for field in text.split()]
    if not all(len(pair) == 2 for pair in pairs):
        raise ValueError("not key=value")
    return dict(pairs)


@pytest.mark.parametrize(
    ("raw", "secrets"),
    [
        ({"name": "web"}, set()),
        ({"framework": {"secret": "s1"}}, {"s1"}),
        ({"framework": [{"secret": "s1"}, "junk", {"secret": "s2"}]}, {"s1", "s2"}),
        ({"framework": {"secret": {"k": "s1", "n": 12, "b": True}}}, {"s1", "12"}),
        ({"framework": {"secret": ["s1", None, ""]}}, {"s1"}),
        ({"framework": '{"name": "fw", "secret": "s1"}'}, {"s1"}),
        ({"framework": "name=fw secret=s1"}, {"s1"}),
        ({"framework": "not a dict"}, set()),
        ({"framework": ["a", "list"]}, set()),
        ({"container": {"image": "i"}, "framework": {"name": "fw"}}, set()),
        (None, set()),
    ],
)
def test_secrets_are_found_whatever_their_shape(raw: Any, secrets: set[str]) -> None:
    assert secret_texts(raw, SPEC, _parse_dict) == secrets


def test_secrets_in_text_need_a_parser() -> None:
    assert secret_texts({"framework": "secret=s1"}, SPEC) == set()
    assert secret_texts({"framework": "secret=s1"}, SPEC, _parse_dict) == {"s1"}
