"""The scheduler endpoint's answers, row by row, in Mesos's check order.

Rows come from src/tests/scheduler_http_api_tests.cpp (AuthenticationRequired, NoContentType,
ValidJsonButInvalidProtobuf, MalformedContent, UnsupportedContentMediaType, SubscribeWithStreamId,
NotAcceptable, NoAcceptHeader, DefaultAccept, GetRequest, TeardownWithoutStreamId,
TeardownWrongStreamId, MalformedUUID, RejectFrameworkWithInvalidRole) and from
Master::Http::scheduler in src/master/http.cpp (messages).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field

import pytest
import requests

from tests.support.ports import free_port
from tests.support.sim import SimCluster
from tests.support.wait import wait_until

from .scheduler import TestScheduler

JSON = "application/json"
SUBSCRIBE = {"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "u", "name": "n"}}}
UUID_B64 = base64.b64encode(uuid.uuid4().bytes).decode()


@dataclass
class Row:
    """One request and the answer Mesos gives."""

    name: str
    status: int
    body: str | None = None  # exact body, or a prefix ending in "..."
    method: str = "POST"
    content_type: str | None = JSON
    payload: object = None  # dict -> JSON; str/bytes -> raw
    headers: dict = field(default_factory=dict)
    framework: str = "none"  # none | subscribed | disconnected | unknown
    stream_id: str = "none"  # none | own | other
    response_headers: dict = field(default_factory=dict)


ROWS = [
    Row(
        "GetRequest",
        405,
        "405 Method Not Allowed. Expecting one of { 'POST' }, but received 'GET'.",
        method="GET",
        content_type=None,
        response_headers={"Allow": "POST"},
    ),
    Row(
        "PUT with a valid body",
        405,
        None,
        method="PUT",
        payload=SUBSCRIBE,
        response_headers={"Allow": "POST"},
    ),
    Row(
        "NoContentType",
        400,
        "Expecting 'Content-Type' to be present",
        content_type=None,
        payload=b"{}",
    ),
    Row(
        "UnsupportedContentMediaType",
        415,
        "Expecting 'Content-Type' of application/json or application/x-protobuf",
        content_type="application/unknown-media-type",
        payload=SUBSCRIBE,
    ),
    Row(
        "JSON with charset is not application/json",
        415,
        None,
        content_type="application/json; charset=utf-8",
        payload=SUBSCRIBE,
    ),
    Row(
        "MalformedContent", 400, "Failed to parse body into JSON: ...", payload="MALFORMED_CONTENT"
    ),
    Row(
        "JSON nested 200 deep parses (then is not an object)",
        400,
        "Failed to convert JSON into Call protobuf: Expecting a JSON object",
        payload="[" * 200 + "]" * 200,
    ),
    Row(
        "JSON nested deeper than picojson allows",
        400,
        "Failed to parse body into JSON: syntax error at line 1 near: " + "]" * 201,
        payload="[" * 201 + "]" * 201,
    ),
    Row(
        "JSON array",
        400,
        "Failed to convert JSON into Call protobuf: Expecting a JSON object",
        payload=[1, 2],
    ),
    Row(
        "ValidJsonButInvalidProtobuf",
        400,
        "Failed to validate scheduler::Call: Expecting 'type' to be present",
        payload={"string": "valid_json"},
    ),
    Row(
        "unknown call type is dropped like an unknown proto2 enum",
        400,
        "Failed to validate scheduler::Call: Expecting 'type' to be present",
        payload={"type": "NOT_A_CALL"},
    ),
    Row(
        "wrong JSON type",
        400,
        "Failed to convert JSON into Call protobuf: Not expecting a JSON number for field 'user'",
        payload={"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": 7, "name": "n"}}},
    ),
    Row(
        "missing required fields",
        400,
        "Failed to convert JSON into Call protobuf: Missing "
        "required fields: subscribe.framework_info.user, subscribe.framework_info.name",
        payload={"type": "SUBSCRIBE", "subscribe": {"framework_info": {}}},
    ),
    Row(
        "SUBSCRIBE without subscribe",
        400,
        "Failed to validate scheduler::Call: Expecting 'subscribe' to be present",
        payload={"type": "SUBSCRIBE"},
    ),
    Row(
        "SUBSCRIBE with mismatched framework ids",
        400,
        "Failed to validate scheduler::Call: "
        "'framework_id' differs from 'subscribe.framework_info.id'",
        payload={**SUBSCRIBE, "framework_id": {"value": "x"}},
    ),
    Row(
        "NotAcceptable",
        406,
        "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'",
        payload=SUBSCRIBE,
        headers={"Accept": "foo"},
    ),
    Row(
        "SubscribeWithStreamId",
        400,
        "Subscribe calls should not include the 'Mesos-Stream-Id' header",
        payload=SUBSCRIBE,
        headers={"Mesos-Stream-Id": str(uuid.uuid4())},
    ),
    Row(
        "TEARDOWN without framework_id",
        400,
        "Failed to validate scheduler::Call: Expecting 'framework_id' to be present",
        payload={"type": "TEARDOWN"},
    ),
    Row(
        "ACCEPT without accept",
        400,
        "Failed to validate scheduler::Call: Expecting 'accept' to be present",
        payload={"type": "ACCEPT"},
        framework="subscribed",
        stream_id="own",
    ),
    Row(
        "MalformedUUID",
        400,
        "Failed to validate scheduler::Call: Not a valid UUID",
        payload={
            "type": "ACKNOWLEDGE",
            "acknowledge": {
                "agent_id": {"value": "a"},
                "task_id": {"value": "t"},
                "uuid": base64.b64encode(b"not-a-uuid").decode(),
            },
        },
        framework="subscribed",
        stream_id="own",
    ),
    Row(
        "unknown framework",
        400,
        "Framework cannot be found",
        payload={"type": "TEARDOWN"},
        framework="unknown",
    ),
    Row(
        "framework not subscribed",
        403,
        "Framework is not subscribed",
        payload={"type": "REVIVE"},
        framework="disconnected",
        stream_id="own",
    ),
    Row(
        "TeardownWithoutStreamId",
        400,
        "All non-subscribe calls should include the 'Mesos-Stream-Id' header",
        payload={"type": "TEARDOWN"},
        framework="subscribed",
    ),
    Row(
        "TeardownWrongStreamId",
        400,
        "The stream ID '...",
        payload={"type": "TEARDOWN"},
        framework="subscribed",
        stream_id="other",
    ),
    Row(
        "REVIVE accepted",
        202,
        "",
        payload={"type": "REVIVE"},
        framework="subscribed",
        stream_id="own",
    ),
    Row(
        "ACKNOWLEDGE of an unknown update is still accepted",
        202,
        "",
        payload={
            "type": "ACKNOWLEDGE",
            "acknowledge": {
                "agent_id": {"value": "a"},
                "task_id": {"value": "t"},
                "uuid": UUID_B64,
            },
        },
        framework="subscribed",
        stream_id="own",
    ),
    Row(
        "RECONCILE accepted",
        202,
        "",
        payload={"type": "RECONCILE", "reconcile": {}},
        framework="subscribed",
        stream_id="own",
    ),
    Row(
        "TEARDOWN accepted",
        202,
        "",
        payload={"type": "TEARDOWN"},
        framework="subscribed",
        stream_id="own",
    ),
]


@pytest.fixture(scope="module")
def master():
    cluster = SimCluster(agents=0)
    cluster.start()
    try:
        yield cluster.masters[0]
    finally:
        cluster.stop()


def _send(url: str, row: Row, payload: object, headers: dict) -> requests.Response:
    if isinstance(payload, dict | list):
        data = json.dumps(payload).encode()
    elif isinstance(payload, str):
        data = payload.encode()
    else:
        data = payload
    all_headers = dict(row.headers, **headers)
    if row.content_type is not None:
        all_headers["Content-Type"] = row.content_type
    return requests.request(
        row.method,
        url + "/api/v1/scheduler",
        data=data,
        headers=all_headers,
        timeout=10,
        allow_redirects=False,
        stream=True,
    )


def _check(response: requests.Response, row: Row) -> None:
    try:
        assert response.status_code == row.status, response.text
        for name, value in row.response_headers.items():
            assert response.headers.get(name) == value
        if row.body is not None:
            if row.body.endswith("..."):
                assert response.text.startswith(row.body[:-3]), response.text
            else:
                assert response.text == row.body
    finally:
        response.close()


def send_row(url: str, row: Row, teardown: bool = False) -> requests.Response:
    """Set up the row's framework and stream id, send its request; return the (streamed)
    answer. ``teardown``: TEARDOWN a subscribed framework afterwards (shared masters)."""
    payload = row.payload
    headers: dict = {}
    scheduler = None
    try:
        if row.framework in ("subscribed", "disconnected"):
            info = {"failover_timeout": 600} if row.framework == "disconnected" else {}
            scheduler = TestScheduler(url, info)
            if row.framework == "disconnected":
                scheduler.close()
                wait_until(
                    lambda: not _connected(url, scheduler.framework_id),
                    10,
                    0.05,
                    "the framework to be disconnected",
                )
        if row.framework == "unknown":
            payload = dict(payload, framework_id={"value": "no-such-framework"})
        elif scheduler is not None:
            payload = dict(payload, framework_id={"value": scheduler.framework_id})
        if row.stream_id == "own":
            headers["Mesos-Stream-Id"] = scheduler.stream_id
        elif row.stream_id == "other":
            headers["Mesos-Stream-Id"] = str(uuid.uuid4())
        return _send(url, row, payload, headers)
    finally:
        if scheduler is not None:
            if teardown and row.framework == "subscribed":
                scheduler.call({"type": "TEARDOWN"})
            scheduler.close()


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_scheduler_endpoint_row(master, row: Row):
    _check(send_row(master.url, row), row)


def _connected(url: str, framework_id: str) -> bool:
    state = requests.get(url + "/master/state", timeout=5).json()
    return any(f["id"] == framework_id and f["connected"] for f in state["frameworks"])


def test_subscribe_with_invalid_role_gets_error_event_on_200_stream(master):
    body = {
        "type": "SUBSCRIBE",
        "subscribe": {
            "framework_info": {
                "user": "u",
                "name": "n",
                "roles": ["/test/test1"],
                "capabilities": [{"type": "MULTI_ROLE"}],
            }
        },
    }
    response = requests.post(master.url + "/api/v1/scheduler", json=body, stream=True, timeout=10)
    try:
        assert response.status_code == 200
        assert response.headers["Transfer-Encoding"] == "chunked"
        text = response.raw.read().decode()  # the master closes the stream after ERROR
        size, _, record = text.partition("\n")
        assert int(size) == len(record.encode())
        event = json.loads(record)
        assert event["type"] == "ERROR"
        assert event["error"]["message"] == (
            "'FrameworkInfo.roles' contains invalid role: "
            "Role '/test/test1' cannot start with a slash"
        )
    finally:
        response.close()


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_default_and_no_accept_header_give_json(master, accept):
    headers = {"Accept": accept} if accept else {}
    response = requests.post(
        master.url + "/api/v1/scheduler", json=SUBSCRIBE, stream=True, headers=headers, timeout=10
    )
    try:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == JSON
    finally:
        response.close()


# Authentication ----------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["file://", ""], ids=["file-url", "plain-path"])
def auth_master(request, tmp_path_factory):
    credentials = tmp_path_factory.mktemp("creds") / "credentials.json"
    credentials.write_text(
        json.dumps(
            {
                "credentials": [
                    {"principal": "ops", "secret": "s3cret"},
                    {"principal": "other", "secret": "x"},
                ]
            }
        )
    )
    cluster = SimCluster(
        agents=0,
        master_flags={
            "authenticate_http_frameworks": None,
            "http_framework_authenticators": "basic",
            "credentials": f"{request.param}{credentials}",
        },
    )
    cluster.start()
    try:
        yield cluster.masters[0]
    finally:
        cluster.stop()


AUTH_CHALLENGE = 'Basic realm="mesos-master-scheduler"'


@pytest.mark.parametrize(
    "auth,method",
    [(None, "POST"), (("ops", "wrong"), "POST"), (("nobody", "x"), "POST"), (None, "GET")],
)
def test_authentication_required(auth_master, auth, method):
    response = requests.request(
        method, auth_master.url + "/api/v1/scheduler", json=SUBSCRIBE, auth=auth, timeout=10
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == AUTH_CHALLENGE


def test_authenticated_subscribe_and_principal_checks(auth_master):
    url = auth_master.url
    scheduler = TestScheduler(url, {"principal": "ops"}, auth=("ops", "s3cret"))
    try:
        assert scheduler.call({"type": "REVIVE"}).status_code == 202
        other = requests.post(
            url + "/api/v1/scheduler",
            auth=("other", "x"),
            timeout=10,
            headers={"Mesos-Stream-Id": scheduler.stream_id},
            json={"type": "REVIVE", "framework_id": {"value": scheduler.framework_id}},
        )
        assert other.status_code == 400
        assert other.text == (
            "Authenticated principal 'other' does not match principal 'ops' set in `FrameworkInfo`"
        )
    finally:
        scheduler.close()
    mismatch = requests.post(
        url + "/api/v1/scheduler",
        auth=("other", "x"),
        timeout=10,
        json={
            "type": "SUBSCRIBE",
            "subscribe": {"framework_info": {"user": "u", "name": "n", "principal": "ops"}},
        },
    )
    assert mismatch.status_code == 400
    assert mismatch.text == (
        "Failed to validate scheduler::Call: Authenticated principal "
        "'other' does not match principal 'ops' set in `FrameworkInfo`"
    )


# Leadership ----------------------------------------------------------------------------------
@pytest.mark.zookeeper
def test_non_leader_redirects_and_leaderless_master_is_unavailable(zookeeper_server):
    with SimCluster(masters=2, agents=0, zookeeper=zookeeper_server) as cluster:
        leader = cluster.leader_index()
        follower = cluster.masters[1 - leader]
        leader_port = cluster.masters[leader].port
        wait_until(lambda: _leader_known(follower.url), 10, 0.1, "the follower to see a leader")
        for method in ("POST", "GET"):
            response = requests.request(
                method,
                follower.url + "/api/v1/scheduler",
                json=SUBSCRIBE,
                timeout=10,
                allow_redirects=False,
            )
            assert response.status_code == 307
            assert response.headers["Location"] == f"//127.0.0.1:{leader_port}/api/v1/scheduler"
        operator = requests.post(
            follower.url + "/api/v1", json={"type": "GET_HEALTH"}, timeout=10, allow_redirects=False
        )
        assert operator.status_code == 307
        assert operator.headers["Location"] == f"//127.0.0.1:{leader_port}/api/v1"
    unreachable_zk = f"zk://127.0.0.1:{free_port()}/mesos"
    with SimCluster(agents=0, master_flags={"zk": unreachable_zk, "quorum": "1"}) as alone:
        response = requests.post(
            alone.masters[0].url + "/api/v1/scheduler",
            json=SUBSCRIBE,
            timeout=10,
            allow_redirects=False,
        )
        assert response.status_code == 503
        assert response.text == "No leader elected"


def _leader_known(url: str) -> bool:
    response = requests.get(url + "/master/redirect", timeout=5, allow_redirects=False)
    return response.status_code == 307


def test_update_framework(master):
    scheduler = TestScheduler(master.url, {"name": "before"})
    try:
        info = {"user": "root", "name": "after", "id": {"value": scheduler.framework_id}}
        ok = scheduler.call(
            {"type": "UPDATE_FRAMEWORK", "update_framework": {"framework_info": info}}
        )
        assert ok.status_code == 200
        state = requests.get(master.url + "/master/state", timeout=5).json()
        names = {f["id"]: f["name"] for f in state["frameworks"]}
        assert names[scheduler.framework_id] == "after"
        changed_user = scheduler.call(
            {
                "type": "UPDATE_FRAMEWORK",
                "update_framework": {"framework_info": dict(info, user="other")},
            }
        )
        assert changed_user.status_code == 400
        assert changed_user.text == (
            "FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported; "
            "attempted to update from 'root' to 'other'"
        )
        mismatch = scheduler.call(
            {
                "type": "UPDATE_FRAMEWORK",
                "update_framework": {"framework_info": dict(info, id={"value": "other"})},
            }
        )
        assert mismatch.status_code == 400
        assert mismatch.text == (
            "Failed to validate scheduler::Call: 'framework_id' differs "
            "from 'update_framework.framework_info.id'"
        )
    finally:
        scheduler.close()
