"""Secrets never appear in reprs, error messages or redacted text."""

from __future__ import annotations

import pytest
from mesos_client.errors import AuthenticationFailed, CallRejected, SubscriptionRefused
from mesos_client.framework import FrameworkInfo
from mesos_client.scheduler import SchedulerSession
from mesos_client.transport import Credentials, Transport, strip_userinfo

SECRET = "s3cr3t-Value-42"


def test_credentials_repr_hides_the_secret() -> None:
    assert SECRET not in repr(Credentials("ops", SECRET))
    assert "ops" in repr(Credentials("ops", SECRET))


def test_transport_redacts_the_secret() -> None:
    transport = Transport(Credentials("ops", SECRET))
    assert transport.redact(f"bad password {SECRET} given") == "bad password <hidden> given"
    transport.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"http://ops:{SECRET}@h:5050/api", "http://h:5050/api"),
        ("http://h:5050", "http://h:5050"),
        (f"https://ops:{SECRET}@[::1]:1/", "https://[::1]:1/"),
    ],
)
def test_strip_userinfo(url: str, expected: str) -> None:
    assert strip_userinfo(url) == expected


def test_error_types_carry_status_and_reason() -> None:
    error = CallRejected(400, "Framework cannot be found", "KILL")
    assert (error.status, error.reason, error.call_type) == (
        400,
        "Framework cannot be found",
        "KILL",
    )
    assert str(error) == "KILL call rejected with HTTP 400: Framework cannot be found"
    assert issubclass(AuthenticationFailed, CallRejected)
    refused = SubscriptionRefused("no", 401, "")
    assert refused.status == 401


def test_session_and_framework_reprs_do_not_leak(capsys: pytest.CaptureFixture[str]) -> None:
    session = SchedulerSession(
        "http://127.0.0.1:9",
        FrameworkInfo(user="u", name="n"),
        credentials=Credentials("ops", SECRET),
    )
    try:
        assert session.framework.principal == "ops"
        assert SECRET not in repr(session.framework)
        assert SECRET not in repr(vars(session))
    finally:
        session.close()
