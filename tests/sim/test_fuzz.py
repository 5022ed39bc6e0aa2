"""Random bytes, headers and mutated calls never get a 5xx, never kill the process and never
leave a traceback in its log (bounded, seeded, fast)."""

from __future__ import annotations

import copy
import json
import random
import re
import socket

import pytest
import requests

from tests.support.sim import SimCluster

from .scheduler import TestScheduler, command_task, launch_call

SEED = 20261127
MASTER_PATHS = [
    "/api/v1/scheduler",
    "/api/v1",
    "/master/api/v1/scheduler",
    "/master/state",
    "/state",
    "/health",
    "/version",
    "/metrics/snapshot",
    "/master/teardown",
    "/sim/register",
    "/sim/status_update",
    "/nope",
    "/master/redirect",
]
AGENT_PATHS = [
    "/state",
    "/slave(1)/state",
    "/health",
    "/sim/run_task",
    "/sim/kill_task",
    "/sim/acknowledge",
    "/sim/shutdown_framework",
    "/sim/ping",
    "/x",
]
CONTENT_TYPES = [
    None,
    "application/json",
    "application/x-protobuf",
    "text/plain",
    "",
    "application/json; charset=utf-8",
    "*/*",
]
WEIRD_VALUES = [
    None,
    0,
    -1,
    1.5,
    1e308,
    "",
    "x" * 300,
    [],
    {},
    [1, "a"],
    {"value": None},
    {"value": 7},
    True,
    "\u0000\u00ff/..",
    {"nanoseconds": -5},
]


@pytest.fixture(scope="module")
def cluster():
    with SimCluster(heartbeat_interval=1.0) as started:
        started.wait_for_agents()
        yield started


def _random_bytes(rng: random.Random) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 400)))


def _raw_exchange(port: int, payload: bytes) -> tuple[bytes, bool]:
    """Send ``payload``, half-close, read; return what came back and whether the server
    closed the connection within 5 s (False: it hung)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    return b"".join(chunks), True
                chunks.append(data)
        except TimeoutError:
            return b"".join(chunks), False


def test_garbage_on_the_socket_is_refused_and_the_connection_closed(cluster):
    """Real Mesos closes the connection on bytes that are not HTTP (observed: always, no
    answer); the simulator may answer 4xx first. Either way it must not hang."""
    rng = random.Random(SEED)
    for process in (cluster.masters[0], cluster.agents[0]):
        for _ in range(40):
            payload = _random_bytes(rng) + b"\r\n\r\n"
            answer, closed = _raw_exchange(process.port, payload)
            assert closed, f"{process.role} kept the connection open after {payload[:60]!r}"
            if answer:
                assert re.match(rb"HTTP/1\.[01] 4\d\d ", answer), answer[:200]
        assert requests.get(process.url + "/health", timeout=5).status_code == 200


def test_random_bodies_and_headers_get_4xx(cluster):
    rng = random.Random(SEED + 1)
    targets = [(cluster.masters[0].url, MASTER_PATHS), (cluster.agents[0].url, AGENT_PATHS)]
    for _ in range(150):
        base, paths = rng.choice(targets)
        path = rng.choice(paths)
        headers = {}
        content_type = rng.choice(CONTENT_TYPES)
        if content_type is not None:
            headers["Content-Type"] = content_type
        if rng.random() < 0.3:
            headers["Accept"] = rng.choice(["foo", "application/x-protobuf", "*/*", ""])
        if rng.random() < 0.2:
            headers["Mesos-Stream-Id"] = rng.choice(["", "x", "00000000-0000"])
        body = rng.choice(
            [
                _random_bytes(rng),
                json.dumps(rng.choice(WEIRD_VALUES)).encode(),
                json.dumps(
                    {
                        "type": rng.choice(
                            ["SUBSCRIBE", "ACCEPT", "KILL", "GET_STATE", "TEARDOWN"]
                        ),
                        "x": rng.choice(WEIRD_VALUES),
                    }
                ).encode(),
            ]
        )
        method = rng.choice(["POST", "POST", "GET", "PUT", "DELETE"])
        response = requests.request(
            method,
            base + path,
            data=body,
            headers=headers,
            timeout=10,
            allow_redirects=False,
            stream=True,
        )
        try:
            assert response.status_code < 500, (
                method,
                path,
                headers,
                body[:200],
                response.status_code,
            )
        finally:
            response.close()


def _mutate(rng: random.Random, value: object) -> object:
    """Replace one random leaf (or container) of ``value`` with a weird value."""
    value = copy.deepcopy(value)
    holders = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in list(node):
                holders.append((node, key))
                walk(node[key])
        elif isinstance(node, list):
            for index in range(len(node)):
                holders.append((node, index))
                walk(node[index])

    walk(value)
    if holders:
        holder, key = rng.choice(holders)
        holder[key] = rng.choice(WEIRD_VALUES)
    return value


def test_mutated_scheduler_calls_never_fail_the_master(cluster):
    rng = random.Random(SEED + 2)
    url = cluster.masters[0].url
    scheduler = TestScheduler(url, {"failover_timeout": 60})
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        templates = [
            launch_call(
                offer,
                [
                    command_task(
                        offer,
                        "fz",
                        "true",
                        container={"type": "MESOS"},
                        kill_policy={"grace_period": {"nanoseconds": 1}},
                    )
                ],
                refuse_seconds=0.1,
            ),
            {
                "type": "DECLINE",
                "decline": {"offer_ids": [offer["id"]], "filters": {"refuse_seconds": 0.1}},
            },
            {"type": "KILL", "kill": {"task_id": {"value": "fz"}, "agent_id": offer["agent_id"]}},
            {
                "type": "ACKNOWLEDGE",
                "acknowledge": {
                    "agent_id": offer["agent_id"],
                    "task_id": {"value": "fz"},
                    "uuid": "AAAAAAAAQACAAAAAAAAAAA==",
                },
            },
            {"type": "RECONCILE", "reconcile": {"tasks": [{"task_id": {"value": "fz"}}]}},
            {"type": "SUPPRESS", "suppress": {"roles": ["*"]}},
            {"type": "REVIVE", "revive": {"roles": ["*"]}},
            {
                "type": "UPDATE_FRAMEWORK",
                "update_framework": {
                    "framework_info": {
                        "user": "root",
                        "name": "sim-test",
                        "id": {"value": scheduler.framework_id},
                        "failover_timeout": 60,
                    }
                },
            },
        ]
        for _ in range(200):
            call = _mutate(rng, rng.choice(templates))
            if isinstance(call, dict):
                call["framework_id"] = {"value": scheduler.framework_id}
            response = requests.post(
                url + "/api/v1/scheduler",
                json=call,
                timeout=10,
                headers={"Mesos-Stream-Id": scheduler.stream_id},
            )
            assert response.status_code < 500, (call, response.status_code, response.text)
        for _ in range(50):
            call = _mutate(
                rng, {"type": "GET_STATE", "teardown": {"framework_id": {"value": "nope"}}}
            )
            response = requests.post(url + "/api/v1", json=call, timeout=10)
            assert response.status_code < 500 or response.status_code == 501
        assert requests.get(url + "/master/state", timeout=5).status_code == 200
    finally:
        scheduler.close()
    for process in (cluster.masters[0], cluster.agents[0]):
        assert process.running
        log = process.log_path.read_text()
        assert "Traceback" not in log, process.log_tail()
        assert "Error handling request" not in log, process.log_tail()


def test_raw_requests_of_any_http_version_never_get_5xx(cluster):
    rng = random.Random(SEED + 3)
    bodies = [
        b"",
        b"{}",
        b'{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}',
        b'{"type":"GET_STATE"}',
        b"\xff\xfe",
        b"[" * 5000,
    ]
    for _ in range(120):
        process = rng.choice([cluster.masters[0], cluster.agents[0]])
        path = rng.choice(MASTER_PATHS if process.role == "master" else AGENT_PATHS)
        version = rng.choice(["HTTP/1.0", "HTTP/1.1"])
        method = rng.choice(["POST", "GET", "HEAD", "OPTIONS", "PATCH"])
        body = rng.choice(bodies)
        content_type = rng.choice(CONTENT_TYPES)
        lines = [f"{method} {path} {version}", f"Content-Length: {len(body)}", "Connection: close"]
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        with socket.create_connection(("127.0.0.1", process.port), timeout=5) as sock:
            sock.sendall(request)
            sock.settimeout(5)
            status_line = sock.recv(64).split(b"\r\n")[0]
        match = re.match(rb"HTTP/1\.[01] (\d{3}) ", status_line)
        assert match, (request[:120], status_line)
        assert int(match.group(1)) < 500, (request[:200], status_line)
