"""The event stream on the wire: chunked encoding, RecordIO records, SUBSCRIBED then HEARTBEAT
at once, heartbeats, many connections and slow readers."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from tests.support.sim import SimCluster
from tests.support.wait import wait_until

from .rawhttp import RawResponse, post_request, subscribe_body
from .scheduler import TestScheduler

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


@pytest.fixture(scope="module")
def master():
    cluster = SimCluster(
        agents=0, heartbeat_interval=0.5, master_flags={"sim_stream_queue_size": "50"}
    )
    cluster.start()
    try:
        yield cluster.masters[0]
    finally:
        cluster.stop()


def _raw_subscribe(master, name: str = "raw", rcvbuf: int | None = None) -> RawResponse:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect(("127.0.0.1", master.port))
    sock.sendall(
        post_request(
            "127.0.0.1", master.port, "/api/v1/scheduler", subscribe_body(name), JSON_HEADERS
        )
    )
    return RawResponse(sock, time.monotonic() + 10)


def test_subscribe_stream_is_chunked_recordio_subscribed_then_heartbeat(master):
    response = _raw_subscribe(master)
    try:
        assert response.status == 200
        assert response.headers["transfer-encoding"] == "chunked"
        assert response.headers["content-type"] == "application/json"
        assert len(response.headers["mesos-stream-id"]) == 36
        first, second, third = response.records(3)
        subscribed = json.loads(first)
        assert subscribed["type"] == "SUBSCRIBED"
        assert subscribed["subscribed"]["heartbeat_interval_seconds"] == 0.5
        assert subscribed["subscribed"]["master_info"]["port"] == master.port
        assert subscribed["subscribed"]["framework_id"]["value"]
        assert json.loads(second) == {"type": "HEARTBEAT"}
        assert json.loads(third) == {"type": "HEARTBEAT"}
        # RecordIO: every record is "<decimal length>\n<exactly that many bytes>".
        wire = b"".join(response.chunks)
        assert wire.startswith(str(len(first)).encode() + b"\n" + first)
    finally:
        response.sock.close()


def test_hundreds_of_streams_and_a_slow_reader_do_not_stall_others(master):
    url = master.url
    healthy = TestScheduler(url)
    many: list[RawResponse] = []
    slow = None
    try:
        for index in range(200):
            many.append(_raw_subscribe(master, f"many-{index}"))
        for response in many:
            assert response.status == 200
            assert json.loads(response.records(1)[0])["type"] == "SUBSCRIBED"
        slow = _raw_subscribe(master, "slow", rcvbuf=4096)
        slow_id = json.loads(slow.records(1)[0])["subscribed"]["framework_id"]["value"]
        # Flood the slow framework with ~5000 reconciliation answers it never reads.
        flood = {
            "type": "RECONCILE",
            "framework_id": {"value": slow_id},
            "reconcile": {"tasks": [{"task_id": {"value": f"t{i:05d}"}} for i in range(5000)]},
        }
        answer = requests.post(
            url + "/api/v1/scheduler",
            json=flood,
            timeout=10,
            headers={"Mesos-Stream-Id": slow.headers["mesos-stream-id"]},
        )
        assert answer.status_code == 202

        def slow_dropped() -> bool:
            state = requests.get(url + "/master/state", timeout=5).json()
            return slow_id in [f["id"] for f in state["completed_frameworks"]]

        wait_until(slow_dropped, 20, 0.2, "the slow framework's stream to be closed")
        for _ in range(3):
            healthy.next_event("HEARTBEAT", timeout=5)
        assert requests.get(url + "/health", timeout=5).status_code == 200
    finally:
        healthy.close()
        for response in many:
            response.sock.close()
        if slow is not None:
            slow.sock.close()


def test_http_1_0_subscribe_streams_until_close(master):
    sock = socket.create_connection(("127.0.0.1", master.port), timeout=10)
    try:
        body = subscribe_body("http10")
        sock.sendall(
            b"POST /api/v1/scheduler HTTP/1.0\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        data = b""
        deadline = time.monotonic() + 10
        while data.count(b"HEARTBEAT") < 2 and time.monotonic() < deadline:
            data += sock.recv(65536)
        head, _, payload = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.0 200 OK")
        assert b"transfer-encoding" not in head.lower()
        size, _, rest = payload.partition(b"\n")
        assert json.loads(rest[: int(size)])["type"] == "SUBSCRIBED"
    finally:
        sock.close()
