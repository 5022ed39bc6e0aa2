"""SchedulerSession against one mesos_sim master and one agent with the seed attributes."""

from __future__ import annotations

import base64
import contextlib
import time
import urllib.request
import uuid

import pytest
from client_helpers import raw_post, wait_task_state
from mesos_client import (
    CallRejected,
    Constraint,
    MesosTimeout,
    OfferMatch,
    OfferRejection,
    OperatorClient,
    ResourceRequest,
    SubscriptionRefused,
    command_task,
    match_offer,
    parse_constraints,
)

from tests.support.wait import wait_until

SEED_CONSTRAINTS = parse_constraints(["rack:r2d2", "pod~dev"])


def test_subscribe_gets_framework_id_stream_id_and_heartbeats(mesos, session_factory):
    session = session_factory(mesos.master_url())
    subscription = session.subscribe(timeout=15)
    assert subscription.framework_id
    assert subscription.stream_id and session.stream_id == subscription.stream_id
    assert subscription.leader_url == mesos.master_url()
    assert subscription.heartbeat_interval == pytest.approx(mesos.heartbeat_interval)
    assert session.seconds_since_last_event is not None
    assert session.next_event(5).type == "SUBSCRIBED"
    wanted = 3 if mesos.heartbeat_interval < 5 else 1  # real Mesos: every 15 s
    heartbeats = 0
    for event in session.events(timeout=wanted * mesos.heartbeat_interval + 5):
        heartbeats += event.type == "HEARTBEAT"
        if heartbeats == wanted:
            break
    assert heartbeats == wanted
    with OperatorClient(mesos.master_url()) as operator:
        ids = [f["framework_info"]["id"]["value"] for f in operator.get_frameworks()]
    assert subscription.framework_id in ids


def test_offers_carry_the_seed_attributes_and_match_constraints(mesos, session_factory):
    session = session_factory(mesos.master_url())
    session.subscribe(timeout=15)
    offers = session.wait_for("OFFERS", 15).offers
    assert offers
    offer = offers[0]
    attributes = {a["name"]: a for a in offer["attributes"]}
    assert attributes["rack"] == {"name": "rack", "type": "TEXT", "text": {"value": "r2d2"}}
    assert attributes["pod"] == {"name": "pod", "type": "TEXT", "text": {"value": "demo,dev"}}
    assert isinstance(match_offer(offer, ResourceRequest(ports=2), SEED_CONSTRAINTS), OfferMatch)
    rejected = match_offer(offer, ResourceRequest(), [Constraint.parse("rack:r2d3")])
    assert isinstance(rejected, OfferRejection) and "r2d2" in rejected.reason


def launch_http_server(session) -> tuple[str, str, int]:
    """Launch ``python3 -m http.server $PORT0`` on an offered port; return ids and port."""
    for _attempt in range(5):
        offers = session.wait_for("OFFERS", 15).offers
        for offer in offers:
            match = match_offer(offer, ResourceRequest(cpus=0.1, mem=32, ports=1), SEED_CONSTRAINTS)
            if isinstance(match, OfferMatch):
                task = command_task(
                    match, "http", "exec python3 -m http.server $PORT0 --bind 127.0.0.1"
                )
                others = [o["id"] for o in offers if o is not offer]
                session.launch([offer["id"]], [task], filters=1)
                if others:
                    session.decline(others)
                return task["task_id"]["value"], match.agent_id, match.ports[0]
    raise AssertionError("no offer fit the HTTP server task")


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


def test_launch_reach_ack_and_kill(mesos, session_factory):
    session = session_factory(mesos.master_url())
    session.subscribe(timeout=15)
    task_id, agent_id, port = launch_http_server(session)
    running = wait_task_state(session, task_id, "TASK_RUNNING", timeout=30)
    assert running.status["agent_id"]["value"] == agent_id
    assert base64.b64decode(running.status["uuid"], validate=True)
    assert session.acknowledged >= 1  # delivered updates with a uuid are acknowledged
    assert wait_until(lambda: http_ok(f"http://127.0.0.1:{port}/"), 15, 0.1, "the HTTP task")
    with OperatorClient(mesos.master_url()) as operator:
        states = {t["task_id"]["value"]: t["state"] for t in operator.get_tasks()}
    assert states.get(task_id) == "TASK_RUNNING"
    session.kill(task_id, agent_id)
    wait_task_state(session, task_id, "TASK_KILLED", timeout=30)
    assert session.task_states[task_id] == "TASK_KILLED"
    with pytest.raises(OSError):
        http_ok(f"http://127.0.0.1:{port}/")


def test_without_acknowledgement_the_next_update_is_held_back(mesos, session_factory):
    session = session_factory(mesos.master_url(), auto_acknowledge=False)
    session.subscribe(timeout=15)
    task_id, agent_id, _port = launch_http_server(session)

    def for_task(event) -> bool:
        return event.status["task_id"]["value"] == task_id

    first = session.wait_for("UPDATE", 30, for_task)
    assert first.status["state"] in ("TASK_STARTING", "TASK_RUNNING")
    # Unacknowledged, the agent re-sends the same update (same uuid) and nothing newer:
    # wait past its first retry (sim: 1 s; real Mesos: 10 s, then backing off).
    held = []
    for event in session.events(timeout=mesos.status_update_retry_interval * 2 + 5):
        if event.type == "UPDATE" and for_task(event):
            held.append((event.status["state"], event.status["uuid"]))
            if len(held) == 2:
                break
    assert held, "the unacknowledged update was never re-sent"
    assert set(held) == {(first.status["state"], first.status["uuid"])}
    not_a_uuid = base64.b64encode(b"short").decode()
    with pytest.raises(CallRejected) as info:
        session.acknowledge(agent_id, task_id, not_a_uuid)
    assert info.value.status == 400
    assert session.acknowledged == 0
    session.acknowledge(agent_id, task_id, first.status["uuid"])
    if first.status["state"] == "TASK_STARTING":
        running = wait_task_state(session, task_id, "TASK_RUNNING", timeout=30)
        session.acknowledge(agent_id, task_id, running.status["uuid"])
    session.kill(task_id, agent_id)


def test_reconcile_explicit_implicit_and_unknown(mesos, session_factory):
    session = session_factory(mesos.master_url())
    session.subscribe(timeout=15)
    task_id, agent_id, _port = launch_http_server(session)
    wait_task_state(session, task_id, "TASK_RUNNING", timeout=30)

    def reconciled(wanted_task: str):
        return lambda e: (
            e.status["task_id"]["value"] == wanted_task
            and e.status.get("reason") == "REASON_RECONCILIATION"
        )

    session.reconcile([(task_id, agent_id)])
    explicit = session.wait_for("UPDATE", 10, reconciled(task_id))
    assert explicit.status["state"] == "TASK_RUNNING"
    assert "uuid" not in explicit.status  # reconciliation updates are not acknowledged
    session.reconcile()
    implicit = session.wait_for("UPDATE", 10, reconciled(task_id))
    assert implicit.status["state"] == "TASK_RUNNING"
    session.reconcile([("no-such-task", agent_id)])
    unknown = session.wait_for("UPDATE", 10, reconciled("no-such-task"))
    assert unknown.status["state"] in ("TASK_LOST", "TASK_UNKNOWN", "TASK_GONE")
    session.kill(task_id, agent_id)


def test_decline_with_filters_then_revive(mesos, session_factory):
    session = session_factory(mesos.master_url())
    session.subscribe(timeout=15)
    offers = session.wait_for("OFFERS", 15).offers
    agent_id = offers[0]["agent_id"]["value"]
    assert {o["id"]["value"] for o in offers} <= {
        o["id"]["value"] for o in session.outstanding_offers
    }
    session.decline([o["id"] for o in offers], filters={"refuse_seconds": 120})
    assert not {o["id"]["value"] for o in offers} & {
        o["id"]["value"] for o in session.outstanding_offers
    }
    offered_again = [
        e for e in session.events(timeout=3)
        if e.type == "OFFERS" and any(o["agent_id"]["value"] == agent_id for o in e.offers)
    ]  # fmt: skip
    assert offered_again == []  # allocation runs every 0.2 s: the filter held
    session.revive()
    again = session.wait_for("OFFERS", 10)
    assert again.offers[0]["agent_id"]["value"] == agent_id


def test_stream_id_is_required_and_checked(mesos, session_factory):
    session = session_factory(mesos.master_url())
    subscription = session.subscribe(timeout=15)
    url = mesos.master_url() + "/api/v1/scheduler"
    call = {"type": "REVIVE", "framework_id": {"value": subscription.framework_id}}
    status, _headers, _body = raw_post(url, call)
    assert status == 400
    status, _headers, _body = raw_post(url, call, {"Mesos-Stream-Id": "not-the-stream"})
    assert status == 400
    status, _headers, _body = raw_post(url, call, {"Mesos-Stream-Id": subscription.stream_id})
    assert status == 202
    session.revive()  # the session sends its stream id


def test_an_invalid_call_is_rejected_with_status_and_reason(mesos, session_factory):
    session = session_factory(mesos.master_url())
    session.subscribe(timeout=15)
    with pytest.raises(CallRejected) as info:
        session.call("KILL", None)  # no 'kill' member
    assert info.value.status == 400 and info.value.call_type == "KILL"
    assert info.value.reason  # Mesos's plain-text explanation


def test_close_keeps_the_framework_and_a_new_session_fails_over(mesos, session_factory):
    first = session_factory(mesos.master_url())
    framework_id = first.subscribe(timeout=15).framework_id
    first.close()
    second = session_factory(mesos.master_url(), framework_id=framework_id)
    assert second.subscribe(timeout=15).framework_id == framework_id
    with OperatorClient(mesos.master_url()) as operator:
        frameworks = {f["framework_info"]["id"]["value"]: f for f in operator.get_frameworks()}
    assert frameworks[framework_id]["active"] is True


def wait_framework_removed(master_url: str, framework_id: str) -> None:
    """Wait (10 s at most) until GET_FRAMEWORKS no longer lists ``framework_id``."""
    with OperatorClient(master_url) as operator:
        wait_until(
            lambda: (
                framework_id
                not in [f["framework_info"]["id"]["value"] for f in operator.get_frameworks()]
            ),
            10,
            0.1,
            "the framework to be removed",
        )


def test_close_with_teardown_removes_the_framework(mesos, session_factory):
    session = session_factory(mesos.master_url())
    framework_id = session.subscribe(timeout=15).framework_id
    session.close(teardown=True)
    wait_framework_removed(mesos.master_url(), framework_id)


def test_operator_teardown_ends_the_session_with_a_clear_error(mesos, session_factory):
    session = session_factory(mesos.master_url())
    framework_id = session.subscribe(timeout=15).framework_id
    with OperatorClient(mesos.master_url()) as operator:
        operator.teardown(framework_id)
    with pytest.raises(SubscriptionRefused) as info:
        drain_until_error(session, timeout=15)
    # Mesos ends the stream with an ERROR event saying the framework was removed.
    assert info.value.status is None
    assert info.value.reason == "Framework has been removed", info.value


def drain_until_error(session, timeout: float) -> None:
    """Read events until the session raises (the test expects it to) or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(MesosTimeout):
            session.next_event(0.5)


def test_every_other_call_type_is_accepted(mesos, session_factory):
    """Calls whose effect is asynchronous: the master answers 202 even for unknown ids (the
    client raises CallRejected on anything else); SUPPRESS, REVIVE, DECLINE and TEARDOWN
    are also checked by their effect."""
    session = session_factory(mesos.master_url())
    framework_id = session.subscribe(timeout=15).framework_id
    offer = session.wait_for("OFFERS", 15).offers[0]
    agent_id = offer["agent_id"]["value"]
    random_uuid = base64.b64encode(uuid.uuid4().bytes).decode()
    session.suppress()
    session.decline([offer["id"]], filters=0)
    offered = [e for e in session.events(timeout=2) if e.type == "OFFERS"]
    assert offered == [], "offers came while suppressed"
    session.revive(["*"])
    offer = session.wait_for("OFFERS", 10).offers[0]
    session.request([{"agent_id": {"value": agent_id}}])
    session.message(agent_id, "no-such-executor", b"hello")
    session.shutdown("no-such-executor", agent_id)
    session.accept_inverse_offers(["no-such-inverse-offer"])
    session.decline_inverse_offers(["no-such-inverse-offer"], filters=1)
    session.reconcile_operations()
    session.acknowledge_operation_status(random_uuid, "no-such-operation", agent_id=agent_id)
    session.accept([offer["id"]], [], filters=0)  # no operations: declines the offer
    assert offer["id"]["value"] not in {o["id"]["value"] for o in session.outstanding_offers}
    session.teardown()
    wait_framework_removed(mesos.master_url(), framework_id)
