"""Helpers the Ansible modules share: masters, explain(), TLS policy, attribute/resource dicts.

I/O-free but for a temp zk file; environments are plain dicts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mesos_client import (
    MasterNotConfigured,
    OptionError,
    TLSVerificationRequired,
    attributes_dict,
    describe_masters,
    explain,
    refuse_tls_opt_out,
    resolve_masters,
    resources_summary,
)
from mesos_client.errors import (
    AuthenticationFailed,
    CallRejected,
    ConnectionFailed,
    LeaderNotFound,
    MesosError,
    MesosTimeout,
    RecordIODecodeError,
    RedirectError,
    SessionLost,
    SubscriptionRefused,
    TLSError,
)

SECRET = "s3cr3t-Value-42"
ZK_URL = "zk://192.168.33.10:2181/mesos"


@pytest.fixture
def zk_file(tmp_path: Path) -> Path:
    path = tmp_path / "zk"
    path.write_text(f"  {ZK_URL}\n", encoding="utf-8")
    return path


# --- resolve_masters ----------------------------------------------------------------------


def test_option_wins_over_environment_and_zk_file(zk_file: Path) -> None:
    environ = {"MESOS_MASTER": "http://env:5050"}
    assert resolve_masters("http://opt:5050", environ, str(zk_file)) == ["http://opt:5050"]


def test_environment_wins_over_zk_file(zk_file: Path) -> None:
    environ = {"MESOS_MASTER": " http://env:5050 "}
    assert resolve_masters(None, environ, str(zk_file)) == ["http://env:5050"]


@pytest.mark.parametrize("empty", [None, "", []])
def test_zk_file_when_option_and_environment_are_empty(empty: object, zk_file: Path) -> None:
    assert resolve_masters(empty, {"MESOS_MASTER": "  "}, str(zk_file)) == ZK_URL


def test_nothing_configured_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    with pytest.raises(MasterNotConfigured) as raised:
        resolve_masters(None, {}, str(missing))
    message = str(raised.value)
    assert "no Mesos master given" in message
    assert "MESOS_MASTER" in message and str(missing) in message
    assert explain(raised.value, None) == message
    assert isinstance(raised.value, MesosError)


def test_empty_zk_file_is_not_a_master(tmp_path: Path) -> None:
    empty = tmp_path / "zk"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(MasterNotConfigured):
        resolve_masters("", {}, str(empty))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://a:5050, http://b:5050,,", ["http://a:5050", "http://b:5050"]),
        (["http://a:5050", " ", "b:5050 "], ["http://a:5050", "b:5050"]),
        (("http://a:5050",), ["http://a:5050"]),
        (f" {ZK_URL} ", ZK_URL),
    ],
)
def test_shapes_of_the_value(value: object, expected: object) -> None:
    assert resolve_masters(value, {}, "/nonexistent/zk") == expected


def test_describe_masters_hides_passwords() -> None:
    assert describe_masters(["http://a:5050", "http://b:5050"]) == "http://a:5050, http://b:5050"
    described = describe_masters(f"zk://ops:{SECRET}@h1:2181,h2:2181/mesos")
    assert SECRET not in described
    assert described == "zk://ops:<hidden>@h1:2181,h2:2181/mesos"


# --- explain ------------------------------------------------------------------------------

MASTERS = ["http://127.0.0.1:5050", "http://127.0.0.2:5050"]
WHERE = "http://127.0.0.1:5050, http://127.0.0.2:5050"

EXPLAINED = [
    (
        AuthenticationFailed(401, "Unauthorized", "GET_STATE"),
        "Mesos refused the credentials (GET_STATE call rejected with HTTP 401: Unauthorized); "
        "set principal and secret to a pair the master's --credentials holds",
    ),
    (
        SubscriptionRefused("SUBSCRIBE refused: invalid role", 400, "invalid role"),
        "Mesos refused the framework subscription: SUBSCRIBE refused: invalid role",
    ),
    (
        CallRejected(400, "Framework cannot be found", "KILL"),
        "Mesos rejected a call: KILL call rejected with HTTP 400: Framework cannot be found",
    ),
    (
        LeaderNotFound("no leader"),
        f"cannot reach a leading Mesos master at {WHERE}: no leader",
    ),
    (
        RedirectError("307 loop"),
        f"cannot reach a leading Mesos master at {WHERE}: 307 loop",
    ),
    (
        ConnectionFailed("refused"),
        f"cannot reach the Mesos master at {WHERE}: refused",
    ),
    (
        TLSError("bad certificate"),
        f"cannot reach the Mesos master at {WHERE}: bad certificate",
    ),
    (SessionLost("gone"), f"Mesos client error talking to {WHERE}: gone"),
    (MesosTimeout("slow"), f"Mesos client error talking to {WHERE}: slow"),
    (RecordIODecodeError("bad prefix"), f"Mesos client error talking to {WHERE}: bad prefix"),
    (MesosError("odd"), f"Mesos client error talking to {WHERE}: odd"),
    (OptionError("timeout must be positive"), "invalid setting: timeout must be positive"),
    (ValueError("bad id"), "invalid setting: bad id"),
    (
        FileNotFoundError(2, "No such file", "/ca.pem"),
        "invalid setting: [Errno 2] No such file: '/ca.pem'",
    ),
]


@pytest.mark.parametrize(("exc", "expected"), EXPLAINED, ids=lambda v: type(v).__name__)
def test_explain_each_error_type(exc: MesosError, expected: str) -> None:
    assert explain(exc, MASTERS) == expected


def test_refused_subscription_with_an_auth_status_is_a_credentials_problem() -> None:
    refused = SubscriptionRefused("SUBSCRIBE refused with HTTP 403", 403, "Forbidden")
    message = explain(refused, MASTERS, credential_options="framework.principal and X")
    assert message.startswith("Mesos refused the credentials (SUBSCRIBE refused with HTTP 403)")
    assert "set framework.principal and X to a pair" in message


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (SessionLost("gone"), f"lost the connection to the Mesos master at {WHERE}: gone"),
        (MesosTimeout("slow"), f"timed out waiting for the Mesos master at {WHERE}: slow"),
        (ConnectionFailed("refused"), f"cannot reach the Mesos master at {WHERE}: refused"),
    ],
)
def test_session_messages(exc: MesosError, expected: str) -> None:
    assert explain(exc, MASTERS, session_messages=True) == expected


def test_non_client_errors_are_named() -> None:
    assert explain(KeyError("x"), MASTERS) == "KeyError: 'x'"


@pytest.mark.parametrize("exc", [exc for exc, _ in EXPLAINED], ids=lambda v: type(v).__name__)
def test_explain_never_shows_a_zookeeper_password(exc: MesosError) -> None:
    masters = f"zk://ops:{SECRET}@127.0.0.1:2181/mesos"
    message = explain(exc, masters, session_messages=True)
    assert SECRET not in message


def test_tls_opt_out_is_refused_with_advice() -> None:
    refuse_tls_opt_out(True)
    with pytest.raises(TLSVerificationRequired) as raised:
        refuse_tls_opt_out(False)
    message = explain(raised.value, MASTERS, session_messages=True)
    assert message == str(raised.value)
    assert message.startswith("validate_certs=false is not supported") and "ca_path" in message


# --- attributes and resources -------------------------------------------------------------

AGENT_ATTRIBUTES = [
    {"name": "rack", "type": "TEXT", "text": {"value": "r2d2"}},
    {"name": "pod", "type": "TEXT", "text": {"value": "demo,dev"}},
    {"name": "cores", "type": "SCALAR", "scalar": {"value": 4.0}},
    {"name": "zones", "type": "SET", "set": {"item": ["a", "b"]}},
    {"name": "slots", "type": "RANGES", "ranges": {"range": [{"begin": 1, "end": 3}]}},
    {"name": "odd", "type": "DEVICE"},
]


def test_attributes_dict() -> None:
    assert attributes_dict(AGENT_ATTRIBUTES) == {
        "rack": "r2d2",
        "pod": "demo,dev",
        "cores": 4.0,
        "zones": ["a", "b"],
        "slots": [[1, 3]],
        "odd": None,
    }
    assert attributes_dict([]) == {}


def test_resources_summary_sums_per_name_and_keeps_port_ranges() -> None:
    resources = [
        {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.1}},
        {"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.2}, "role": "dev"},
        {"name": "mem", "scalar": {"value": 496}},  # no type: a scalar, as in Mesos
        {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 31000, "end": 31010}]}},
        {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 31500, "end": 32000}]}},
        {"name": "disks", "type": "SET", "set": {"item": ["sda"]}},
        {"name": "gpu", "type": "DEVICE"},
    ]
    assert resources_summary(resources) == {
        "cpus": 0.3,
        "mem": 496,
        "ports": [[31000, 31010], [31500, 32000]],
        "disks": ["sda"],
    }
    assert resources_summary([]) == {}
