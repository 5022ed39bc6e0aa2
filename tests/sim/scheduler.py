"""A minimal v1 scheduler written for these tests with plain ``requests`` (no client code
from plugins/): SUBSCRIBE, a reader thread that decodes RecordIO into a queue, calls."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable

import requests
import urllib3

SCHEDULER = "/api/v1/scheduler"
DEFAULT_INFO = {"user": "root", "name": "sim-test"}


def read_records(raw: object) -> object:
    """Yield RecordIO records (bytes) read from a file-like ``raw``, byte-exact."""
    buffer = b""
    while True:
        while b"\n" not in buffer:
            chunk = raw.read1(65536) if hasattr(raw, "read1") else raw.read(1)
            if not chunk:
                return
            buffer += chunk
        size, _, buffer = buffer.partition(b"\n")
        length = int(size)
        while len(buffer) < length:
            chunk = raw.read1(65536) if hasattr(raw, "read1") else raw.read(1)
            if not chunk:
                return
            buffer += chunk
        record, buffer = buffer[:length], buffer[length:]
        yield record


class TestScheduler:
    """One subscription; events land in ``self.events`` (a queue) from a reader thread."""

    __test__ = False

    def __init__(
        self,
        master_url: str,
        framework_info: dict | None = None,
        framework_id: str | None = None,
        auth: tuple[str, str] | None = None,
        verify: str | bool = True,
    ) -> None:
        self.master_url = master_url
        self.auth = auth
        self.verify = verify
        info = dict(DEFAULT_INFO, **(framework_info or {}))
        body: dict = {"type": "SUBSCRIBE", "subscribe": {"framework_info": info}}
        if framework_id:
            info["id"] = {"value": framework_id}
            body["framework_id"] = {"value": framework_id}
        self.response = requests.post(
            master_url + SCHEDULER,
            json=body,
            stream=True,
            timeout=(5, 60),
            auth=auth,
            verify=verify,
        )
        if self.response.status_code != 200:
            raise AssertionError(f"SUBSCRIBE got {self.response.status_code}: {self.response.text}")
        self.stream_id = self.response.headers["Mesos-Stream-Id"]
        self.events: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self.backlog: list[dict] = []
        self.acked: set[str] = set()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        subscribed = self.next_event("SUBSCRIBED")
        self.framework_id = subscribed["subscribed"]["framework_id"]["value"]

    def _read(self) -> None:
        try:
            for record in read_records(self.response.raw):
                self.events.put(json.loads(record))
        except (
            requests.RequestException,
            urllib3.exceptions.HTTPError,
            OSError,
            ValueError,
            AttributeError,
        ) as exc:
            self.events.put({"type": "_CLOSED", "error": repr(exc)})
            return
        self.events.put({"type": "_CLOSED"})

    def next_event(
        self,
        kind: str | None = None,
        timeout: float = 15.0,
        where: Callable[[dict], bool] | None = None,
    ) -> dict:
        """The oldest not yet returned event of type ``kind`` matching ``where``.

        Events that do not match stay in a backlog for later calls (HEARTBEATs are dropped
        unless asked for), so waiting for one task's update never loses another's.
        """

        def matches(event: dict) -> bool:
            return (kind is None or event["type"] == kind) and (where is None or where(event))

        for index, event in enumerate(self.backlog):
            if matches(event):
                return self.backlog.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"no {kind or 'event'} within {timeout}s; saw "
                    f"{[e['type'] for e in self.seen[-20:]]}"
                )
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(event)
            if matches(event):
                return event
            if event["type"] == "_CLOSED":
                raise AssertionError(f"stream closed while waiting for {kind}: {event}")
            if event["type"] != "HEARTBEAT":
                self.backlog.append(event)

    def update(
        self, task_id: str, state: str, timeout: float = 15.0, acknowledge: bool = True
    ) -> dict:
        """Wait for an UPDATE of ``task_id`` to ``state`` (acknowledging updates on the way)."""

        def match(event: dict) -> bool:
            status = event["update"]["status"]
            if acknowledge and "uuid" in status and status["uuid"] not in self.acked:
                self.acknowledge(status)
            return status["task_id"]["value"] == task_id and status["state"] == state

        return self.next_event("UPDATE", timeout, match)["update"]["status"]

    def call(self, body: dict, stream_id: str | None = "own") -> requests.Response:
        """POST a call with this framework's id and stream id."""
        body = dict(body, framework_id={"value": self.framework_id})
        headers = {}
        if stream_id is not None:
            headers["Mesos-Stream-Id"] = self.stream_id if stream_id == "own" else stream_id
        return requests.post(
            self.master_url + SCHEDULER,
            json=body,
            headers=headers,
            timeout=10,
            auth=self.auth,
            verify=self.verify,
        )

    def acknowledge(self, status: dict) -> requests.Response:
        """ACKNOWLEDGE one status update."""
        self.acked.add(status["uuid"])
        return self.call(
            {
                "type": "ACKNOWLEDGE",
                "acknowledge": {
                    "agent_id": status["agent_id"],
                    "task_id": status["task_id"],
                    "uuid": status["uuid"],
                },
            }
        )

    def close(self) -> None:
        """Drop the connection (like a scheduler that goes away)."""
        self.response.close()


def launch_call(offer: dict, tasks: list[dict], refuse_seconds: float | None = None) -> dict:
    """An ACCEPT with one LAUNCH of ``tasks`` on ``offer``."""
    accept: dict = {
        "offer_ids": [offer["id"]],
        "operations": [{"type": "LAUNCH", "launch": {"task_infos": tasks}}],
    }
    if refuse_seconds is not None:
        accept["filters"] = {"refuse_seconds": refuse_seconds}
    return {"type": "ACCEPT", "accept": accept}


def scalar(name: str, value: float) -> dict:
    """A SCALAR resource."""
    return {"name": name, "type": "SCALAR", "scalar": {"value": value}}


def ports(begin: int, end: int) -> dict:
    """A ports RANGES resource."""
    return {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": begin, "end": end}]}}


def command_task(
    offer: dict,
    task_id: str,
    command: str,
    *,
    cpus: float = 0.1,
    mem: float = 32,
    extra: list[dict] | None = None,
    **fields: object,
) -> dict:
    """A command TaskInfo on the offer's agent."""
    return {
        "name": task_id,
        "task_id": {"value": task_id},
        "agent_id": offer["agent_id"],
        "resources": [scalar("cpus", cpus), scalar("mem", mem), *(extra or [])],
        "command": {"value": command},
        **fields,
    }


def offered_ports(offer: dict) -> list[tuple[int, int]]:
    """The (begin, end) port ranges of an offer."""
    for resource in offer["resources"]:
        if resource["name"] == "ports":
            return [(r["begin"], r["end"]) for r in resource["ranges"]["range"]]
    return []
