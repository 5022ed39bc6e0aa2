"""HTTP Basic authentication of frameworks: 401 without credentials, success with them
(mesos_sim and real Mesos, each with --authenticate_http_frameworks and --credentials)."""

from __future__ import annotations

import json

import pytest
from mesos_client import Credentials, SubscriptionRefused

PRINCIPAL = "ops"
SECRET = "tr0ub4dor-&-3"


# Mesos takes --credentials as a plain path or a file:// URL (both are documented).
@pytest.fixture(params=["file-url", "plain-path"])
def auth_cluster(request, mesos_kind, mesos_factory, tmp_path):
    credentials = tmp_path / "credentials.json"
    credentials.write_text(
        json.dumps({"credentials": [{"principal": PRINCIPAL, "secret": SECRET}]})
    )
    return mesos_factory(
        mesos_kind,
        master_flags={
            "authenticate_http_frameworks": None,
            "http_framework_authenticators": "basic",
            "credentials": credentials.as_uri()
            if request.param == "file-url"
            else str(credentials),
        },
    )


def test_no_credentials_gives_401(auth_cluster, session_factory):
    session = session_factory(auth_cluster.master_url())
    with pytest.raises(SubscriptionRefused) as info:
        session.subscribe(timeout=10)
    assert info.value.status == 401


def test_wrong_secret_gives_401_and_the_message_never_shows_it(auth_cluster, session_factory):
    wrong = "wrong-" + SECRET
    session = session_factory(auth_cluster.master_url(), credentials=Credentials(PRINCIPAL, wrong))
    with pytest.raises(SubscriptionRefused) as info:
        session.subscribe(timeout=10)
    assert info.value.status == 401
    assert wrong not in str(info.value) and wrong not in repr(info.value.args)


def test_right_credentials_subscribe_and_call(auth_cluster, session_factory):
    session = session_factory(auth_cluster.master_url(), credentials=Credentials(PRINCIPAL, SECRET))
    subscription = session.subscribe(timeout=15)
    assert subscription.framework_id
    assert session.framework.principal == PRINCIPAL
    session.wait_for("OFFERS", 15)
    session.revive()
