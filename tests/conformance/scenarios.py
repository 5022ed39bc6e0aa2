"""The scripted scenarios: each runs against one master URL and returns its Steps.

The same script runs against real Mesos and against mesos_sim; test_conformance.py diffs
the two records step by step.
"""

from __future__ import annotations

import json
import uuid

import requests

from tests.sim.scheduler import TestScheduler, command_task, launch_call
from tests.sim.test_spec_table import ROWS, SUBSCRIBE, Row, send_row

from .container_scenario import container_flow
from .record import Step

TIMEOUT = 10
# The JSON endpoints people and tools read, in the path forms libprocess routes.
ENDPOINTS = [
    "/master/state",
    "/master/state/",
    "/state",
    "/state.json",
    "/master/state.json",
    "/master/frameworks",
    "/frameworks",
    "/master/slaves",
    "/slaves",
    "/master/tasks",
    "/tasks",
    "/metrics/snapshot",
    "/metrics/snapshot/",
    "/version",
    "/version/",
    "/health",
    "/master/health",
    "/master/redirect",
    "/master/redirect/",
    "/master/state-summary",
    "/master/flags",
    "/flags/",
    "/no-such-endpoint",
    "/master/api/v1/scheduler/",
]
# The flow's calls count here (1 ACCEPT, 1 KILL, 2 RECONCILE, 3 ACKNOWLEDGE, 1 SUBSCRIBE).
COUNTED_METRICS = [
    "master/messages_launch_tasks",
    "master/messages_kill_task",
    "master/messages_reconcile_tasks",
    "master/messages_status_update_acknowledgement",
    "master/messages_register_framework",
]
AGENT_ENDPOINTS = [
    "/state",
    "/state/",
    "/state.json",
    "/slave(1)/state",
    "/slave(1)/state.json",
    "/health",
    "/flags",
    "/version",
]
# Operator API calls the client and modules make (plugins/module_utils/mesos_client).
OPERATOR_CALLS = [
    {"type": "GET_HEALTH"},
    {"type": "GET_VERSION"},
    {"type": "GET_MASTER"},
    {"type": "GET_AGENTS"},
    {"type": "GET_FRAMEWORKS"},
    {"type": "GET_TASKS"},
    {"type": "GET_STATE"},
    {"type": "TEARDOWN", "framework_id": {"value": "no-such-framework"}},
    {"type": "NOT_A_CALL"},
    {"type": "GET_HEALTH", "extra": 1},
]


def _updates_of(scheduler: TestScheduler, task_id: str) -> list[str]:
    return [
        e["update"]["status"]["state"]
        for e in scheduler.seen
        if e["type"] == "UPDATE" and e["update"]["status"]["task_id"]["value"] == task_id
    ]


def _event_step(name: str, event: dict) -> Step:
    step = Step(name, events=[event["type"]])
    step.take_json(event)
    return step


def seed_flow(url: str) -> list[Step]:
    """SUBSCRIBE, heartbeat, offers, ACCEPT/LAUNCH, updates, ACKNOWLEDGE, the JSON endpoints
    and operator calls with the task running, RECONCILE, KILL, TEARDOWN."""
    steps: list[Step] = []
    scheduler = TestScheduler(url, {"name": "conformance", "failover_timeout": 60})
    try:
        subscribe = Step("SUBSCRIBE", events=["SUBSCRIBED"])
        subscribe.take_response(scheduler.response, body=False)
        subscribe.take_json(scheduler.seen[0])
        steps.append(subscribe)
        steps.append(_event_step("HEARTBEAT", scheduler.next_event("HEARTBEAT", 20)))
        offers = scheduler.next_event("OFFERS", 20)
        step = _event_step("OFFERS", offers)
        offer = offers["offers"]["offers"][0]
        step.facts["attributes"] = {
            a["name"]: (a["type"], a.get("text", {}).get("value")) for a in offer["attributes"]
        }
        steps.append(step)

        task_id = f"conformance-{uuid.uuid4()}"
        task = command_task(offer, task_id, "sleep 300")
        accept = Step("ACCEPT with one LAUNCH")
        accept.take_response(scheduler.call(launch_call(offer, [task], refuse_seconds=60)))
        steps.append(accept)

        first = scheduler.next_event(
            "UPDATE", 30, lambda e: e["update"]["status"]["task_id"]["value"] == task_id
        )
        step = _event_step("first UPDATE (not acknowledged yet)", first)
        step.facts["state"] = first["update"]["status"]["state"]
        steps.append(step)
        ack = Step("ACKNOWLEDGE")
        ack.take_response(scheduler.acknowledge(first["update"]["status"]))
        steps.append(ack)
        running = scheduler.update(task_id, "TASK_RUNNING", 30)
        step = Step("updates until TASK_RUNNING")
        step.facts["states"] = _updates_of(scheduler, task_id)
        step.take_json(running)
        steps.append(step)
        order = Step("event types in order until TASK_RUNNING (heartbeats, repeats folded)")
        for event in scheduler.seen:
            kind = event["type"]
            if kind != "HEARTBEAT" and (not order.events or order.events[-1] != kind):
                order.events.append(kind)
        steps.append(order)

        steps += endpoints(url)
        steps += endpoints(agent_url(url), AGENT_ENDPOINTS, "agent GET")
        steps += operator_calls(url)

        reconcile = Step("RECONCILE explicit")
        reconcile.take_response(
            scheduler.call(
                {
                    "type": "RECONCILE",
                    "reconcile": {
                        "tasks": [{"task_id": {"value": task_id}, "agent_id": offer["agent_id"]}]
                    },
                }
            )
        )
        reconciled = scheduler.next_event(
            "UPDATE",
            10,
            lambda e: e["update"]["status"].get("reason") == "REASON_RECONCILIATION",
        )
        reconcile.take_json(reconciled["update"], "update.")
        reconcile.facts["state"] = reconciled["update"]["status"]["state"]
        steps.append(reconcile)

        unknown = Step("RECONCILE of an unknown task")
        unknown.take_response(
            scheduler.call(
                {
                    "type": "RECONCILE",
                    "reconcile": {
                        "tasks": [
                            {"task_id": {"value": "no-such-task"}, "agent_id": offer["agent_id"]}
                        ]
                    },
                }
            )
        )
        answer = scheduler.next_event(
            "UPDATE", 10, lambda e: e["update"]["status"]["task_id"]["value"] == "no-such-task"
        )
        unknown.take_json(answer["update"], "update.")
        unknown.facts["state"] = answer["update"]["status"]["state"]
        unknown.facts["reason"] = answer["update"]["status"].get("reason")
        steps.append(unknown)

        kill = Step("KILL")
        kill.take_response(
            scheduler.call(
                {
                    "type": "KILL",
                    "kill": {"task_id": {"value": task_id}, "agent_id": offer["agent_id"]},
                }
            )
        )
        killed = scheduler.update(task_id, "TASK_KILLED", 30)
        kill.facts["states"] = _updates_of(scheduler, task_id)
        kill.take_json(killed, "status.")
        steps.append(kill)

        metrics = requests.get(url + "/metrics/snapshot", timeout=TIMEOUT).json()
        counted = Step("metrics the calls counted in")
        counted.facts = {name: metrics.get(name) for name in COUNTED_METRICS}
        steps.append(counted)

        teardown = Step("TEARDOWN")
        teardown.take_response(scheduler.call({"type": "TEARDOWN"}))
        closed = scheduler.next_event("_CLOSED", 10)
        teardown.facts["stream closed"] = closed["type"] == "_CLOSED"
        steps.append(teardown)
    finally:
        scheduler.close()
    return steps


def endpoints(url: str, paths: list[str] = ENDPOINTS, label: str = "GET") -> list[Step]:
    """One GET step per path (no redirects followed)."""
    steps = []
    for path in paths:
        step = Step(f"{label} {path}")
        step.take_response(requests.get(url + path, timeout=TIMEOUT, allow_redirects=False))
        steps.append(step)
    return steps


def agent_url(master_url: str) -> str:
    """The (first) agent's base URL, from the master's /master/slaves."""
    agent = requests.get(master_url + "/master/slaves", timeout=TIMEOUT).json()["slaves"][0]
    return f"http://{agent['hostname']}:{agent['port']}"


def operator_calls(url: str) -> list[Step]:
    steps = []
    for call in OPERATOR_CALLS:
        step = Step(f"operator {json.dumps(call)}")
        step.take_response(
            requests.post(
                url + "/api/v1",
                json=call,
                headers={"Accept": "application/json"},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
        )
        steps.append(step)
    for method in ("GET", "PUT"):
        step = Step(f"operator {method}")
        step.take_response(requests.request(method, url + "/api/v1", timeout=TIMEOUT))
        steps.append(step)
    return steps


def spec_rows(url: str) -> list[Step]:
    """Every row of the simulator's scheduler spec table (tests/sim/test_spec_table.py)."""
    return [_spec_row(url, row) for row in ROWS] + [_invalid_role(url)]


def _spec_row(url: str, row: Row) -> Step:
    step = Step(f"scheduler call: {row.name}")
    response = send_row(url, row, teardown=True)
    try:
        step.take_response(response, body=response.status_code != 200)
    finally:
        response.close()
    return step


def _invalid_role(url: str) -> Step:
    body = json.loads(json.dumps(SUBSCRIBE))
    body["subscribe"]["framework_info"].update(
        roles=["/test/test1"], capabilities=[{"type": "MULTI_ROLE"}]
    )
    step = Step("SUBSCRIBE with an invalid role")
    response = requests.post(url + "/api/v1/scheduler", json=body, stream=True, timeout=TIMEOUT)
    try:
        step.take_response(response, body=False)
        text = response.raw.read().decode()
        _size, _, record = text.partition("\n")
        event = json.loads(record)
        step.events = [event["type"]]
        step.facts["message"] = event.get("error", {}).get("message")
    finally:
        response.close()
    return step


SCENARIOS = {
    "seed flow": seed_flow,
    "scheduler spec table": spec_rows,
    "container images": container_flow,
}
