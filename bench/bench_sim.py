"""mesos_sim and real Mesos side by side: 200 tasks launched in one ACCEPT (offer -> all
RUNNING), events per second on one scheduler stream (UPDATEs answering explicit RECONCILE
calls), and master memory per subscribed framework.

Each figure is measured on a mesos_sim master and agent, then on a real Mesos master and agent
(tests/support/real_mesos.py: posix launcher, every task a command executor running
``sleep``) in the same run; each real row (``real Mesos 1.12: ...``) follows its sim row, with
the sim figure as its baseline. Both launch TASKS tasks. After
the launch the framework is torn down (its tasks killed) and stopping the cluster kills any
process left in the agent's work directory.

``python -m bench.bench_sim`` prints the rows; ``python -m bench`` collects them.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import requests

from tests.sim.rawhttp import RawResponse, post_request, subscribe_body
from tests.sim.scheduler import TestScheduler, command_task, launch_call
from tests.support.real_mesos import RealMesosCluster
from tests.support.sim import SimCluster, http_get_json
from tests.support.wait import wait_until

from .real import named_real, real_rows_or_reason, side_by_side

TASKS = 200  # on real Mesos each one a mesos-executor, a shell and a sleep
RESOURCES = f"cpus:{TASKS};mem:{TASKS * 64}"
LAUNCH_LIMIT = 180.0
EVENTS = 20000
BATCH = 5000  # one RECONCILE; each batch must stay below --sim_stream_queue_size
FRAMEWORKS = 300


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def _wait_agent_idle(cluster: SimCluster, timeout: float = 120.0) -> None:
    """Wait until the agent lists no framework (every executor of the torn down one gone)."""

    def idle() -> bool:
        return not http_get_json(cluster.agent_url() + "/slave(1)/state")["frameworks"]

    wait_until(idle, timeout, 0.5, "the agent to have no framework left after TEARDOWN")


def _launch(cluster: SimCluster, count: int) -> list[dict]:
    """``count`` tasks in one ACCEPT: time to its answer, to all RUNNING; then TEARDOWN."""
    scheduler = TestScheduler(cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS", timeout=30)["offers"]["offers"][0]
        tasks = [
            command_task(offer, f"t{i:03d}", "sleep 120", cpus=0.01, mem=1) for i in range(count)
        ]
        started = time.monotonic()
        answer = scheduler.call(launch_call(offer, tasks))
        if answer.status_code != 202:
            raise RuntimeError(f"ACCEPT answered {answer.status_code}: {answer.text}")
        accepted = time.monotonic()
        running: set[str] = set()
        while len(running) < count:
            if time.monotonic() - started > LAUNCH_LIMIT:
                raise RuntimeError(
                    f"only {len(running)} of {count} tasks RUNNING in {LAUNCH_LIMIT:g} s"
                )
            status = scheduler.next_event("UPDATE", timeout=60)["update"]["status"]
            if "uuid" in status:
                scheduler.acknowledge(status)
            if status["state"] == "TASK_RUNNING":
                running.add(status["task_id"]["value"])
            elif status["state"] not in ("TASK_STARTING", "TASK_STAGING"):
                raise RuntimeError(f"task {status['task_id']} went {status['state']}")
        elapsed = time.monotonic() - started
        scheduler.call({"type": "TEARDOWN"})
    finally:
        scheduler.close()
    _wait_agent_idle(cluster)
    return [
        {
            "name": f"{count} tasks in one ACCEPT: ACCEPT answered",
            "value": round((accepted - started) * 1000, 1),
            "unit": "ms",
        },
        {
            "name": f"{count} tasks in one ACCEPT: all RUNNING",
            "value": round(elapsed, 2),
            "unit": "s",
        },
        {"name": "launch throughput", "value": round(count / elapsed, 1), "unit": "tasks/s"},
    ]


def _events_per_second(cluster: SimCluster) -> list[dict]:
    master = cluster.masters[0]
    sock = socket.create_connection(("127.0.0.1", master.port), timeout=10)
    try:
        sock.sendall(
            post_request(
                "127.0.0.1",
                master.port,
                "/api/v1/scheduler",
                subscribe_body("bench"),
                {"Content-Type": "application/json"},
            )
        )
        response = RawResponse(sock, time.monotonic() + 300)
        subscribed = json.loads(response.records(1)[0])
        framework_id = subscribed["subscribed"]["framework_id"]["value"]
        stream_id = response.headers["mesos-stream-id"]
        started = time.monotonic()
        updates = 0
        total_bytes = 0
        for batch in range(EVENTS // BATCH):
            flood = {
                "type": "RECONCILE",
                "framework_id": {"value": framework_id},
                "reconcile": {
                    "tasks": [{"task_id": {"value": f"e{batch}-{i}"}} for i in range(BATCH)]
                },
            }
            answer = requests.post(
                master.url + "/api/v1/scheduler",
                json=flood,
                timeout=60,
                headers={"Mesos-Stream-Id": stream_id},
            )
            if answer.status_code != 202:
                raise RuntimeError(f"RECONCILE answered {answer.status_code}")
            while updates < (batch + 1) * BATCH:
                for record in response.records(1):
                    total_bytes += len(record)
                    if json.loads(record)["type"] == "UPDATE":
                        updates += 1
                response.chunks.clear()
        elapsed = time.monotonic() - started
    finally:
        sock.close()
    return [
        {
            "name": f"events on one stream ({EVENTS} UPDATEs)",
            "value": round(EVENTS / elapsed),
            "unit": "events/s",
        },
        {
            "name": "stream throughput",
            "value": round(total_bytes / elapsed / 1e6, 2),
            "unit": "MB/s",
        },
    ]


def _memory_per_framework(cluster: SimCluster) -> list[dict]:
    master = cluster.masters[0]
    pid = master.process.pid
    time.sleep(0.5)
    before = _rss_kib(pid)
    streams = []
    try:
        for index in range(FRAMEWORKS):
            sock = socket.create_connection(("127.0.0.1", master.port), timeout=10)
            sock.sendall(
                post_request(
                    "127.0.0.1",
                    master.port,
                    "/api/v1/scheduler",
                    subscribe_body(f"mem-{index}"),
                    {"Content-Type": "application/json"},
                )
            )
            streams.append(RawResponse(sock, time.monotonic() + 30))
        for response in streams:
            response.records(1)
        time.sleep(1.0)
        after = _rss_kib(pid)
    finally:
        for response in streams:
            response.sock.close()
    return [
        {"name": "master RSS with no framework", "value": before, "unit": "KiB"},
        {
            "name": f"master memory per subscribed framework ({FRAMEWORKS})",
            "value": round((after - before) / FRAMEWORKS, 1),
            "unit": "KiB",
        },
    ]


def _measure(cluster: SimCluster, tasks: int) -> list[dict]:
    cluster.wait_for_agents(timeout=60)
    rows = _launch(cluster, tasks)
    rows += _events_per_second(cluster)
    rows += _memory_per_framework(cluster)
    return rows


def sim_rows() -> list[dict]:
    """A mesos_sim master and agent."""
    with SimCluster(resources=RESOURCES, heartbeat_interval=5.0, offer_interval=0.2) as cluster:
        return _measure(cluster, TASKS)


def real_rows() -> list[dict]:
    """A real Mesos master and agent (posix launcher; tasks run as command executors)."""
    with RealMesosCluster(resources=RESOURCES, offer_interval=0.2) as cluster:
        return named_real(_measure(cluster, TASKS))


def run() -> list[dict]:
    """Measure on mesos_sim, then on real Mesos; rows of name/value/unit, side by side."""
    try:
        sim = sim_rows()
        real = real_rows_or_reason(real_rows)
    except AssertionError as exc:  # the test helpers' "did not happen in time"
        raise RuntimeError(str(exc)) from None
    return side_by_side(sim, real)


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']}: {row['value']} {row['unit']}")
