"""Benchmarks of the Mesos client: RecordIO framing cost and events/s through a session.

``run() -> list[dict]`` returns rows ``{"name", "value", "unit", ...}``; a row comparing two
figures measured side by side also has ``baseline`` and ``ratio`` (value / baseline).
Run with ``python -m bench.bench_client``.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
import uuid

from mesos_client import FrameworkInfo, MesosError, MesosTimeout, SchedulerSession
from mesos_client.recordio import RecordIODecoder, encode

CHUNK_SIZE = 1024 * 1024  # reads of a busy stream: many events per read
RECORDS = 20_000
REPEATS = 15
RECONCILE_TASKS = 10_000


def sample_records(count: int) -> list[bytes]:
    """Event records shaped like a master's: heartbeats, updates and offers."""
    records = []
    for index in range(count):
        kind = index % 3
        if kind == 0:
            event = {"type": "HEARTBEAT"}
        elif kind == 1:
            event = {
                "type": "UPDATE",
                "update": {
                    "status": {
                        "task_id": {"value": f"web.{uuid.uuid4()}"},
                        "agent_id": {"value": "a1b2c3-S0"},
                        "state": "TASK_RUNNING",
                        "source": "SOURCE_EXECUTOR",
                        "uuid": "2fKmXyb1QyKoTZ1ldNDGnA==",
                        "timestamp": 1764230000.123 + index,
                    }
                },
            }
        else:
            event = {
                "type": "OFFERS",
                "offers": {
                    "offers": [
                        {
                            "id": {"value": f"a1b2c3-O{index}"},
                            "framework_id": {"value": "a1b2c3-0000"},
                            "agent_id": {"value": "a1b2c3-S0"},
                            "hostname": "192.168.33.11",
                            "resources": [
                                {"name": n, "type": "SCALAR", "scalar": {"value": v}, "role": "*"}
                                for n, v in (("cpus", 2.0), ("mem", 496.0), ("disk", 4930.0))
                            ]
                            + [
                                {
                                    "name": "ports",
                                    "type": "RANGES",
                                    "ranges": {"range": [{"begin": 31000, "end": 32000}]},
                                    "role": "*",
                                }
                            ],
                            "attributes": [
                                {"name": "rack", "type": "TEXT", "text": {"value": "r2d2"}},
                                {"name": "pod", "type": "TEXT", "text": {"value": "demo,dev"}},
                            ],
                        }
                    ]
                },
            }
        records.append(json.dumps(event).encode())
    return records


def _best(func, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


PYMESOS_PREFIX = re.compile(rb"\d+\n")


class PymesosFraming:
    """The framing of pymesos 0.3.15 (``pymesos.process.Connection.read``), restated for the
    comparison: append each read to one buffer, match the length prefix at its start, cut the
    record off the front (a copy of the rest each time) and decode it to text."""

    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, data: bytes) -> list[str]:
        self.buffer += data
        records = []
        while (found := PYMESOS_PREFIX.match(self.buffer)) is not None:
            prefix = found.group(0)
            length = int(prefix.strip())
            if len(self.buffer) < len(prefix) + length:
                break
            records.append(self.buffer[len(prefix) : len(prefix) + length].decode("utf-8"))
            self.buffer = self.buffer[len(prefix) + length :]
        return records


def bench_decoder(count: int = RECORDS) -> list[dict]:
    """Decode+parse vs parse alone of the same records, as the session does it (1 MiB reads,
    text records); and the client's framing beside pymesos's on the same reads."""
    records = sample_records(count)
    stream = b"".join(encode(r) for r in records)
    chunks = [stream[i : i + CHUNK_SIZE] for i in range(0, len(stream), CHUNK_SIZE)]
    loads = json.loads

    def parse_only() -> None:
        for record in records:
            loads(record)

    def decode_and_parse() -> None:
        decoder = RecordIODecoder(text=True)  # as SchedulerSession reads its stream
        for chunk in chunks:
            for record in decoder.feed(chunk):
                loads(record)
        decoder.close()

    def decode_only() -> None:
        decoder = RecordIODecoder(text=True)
        for chunk in chunks:
            decoder.feed(chunk)
        decoder.close()

    def pymesos_only() -> None:
        framing = PymesosFraming()
        for chunk in chunks:
            framing.feed(chunk)

    # Paired runs, alternating order, so both sides see the same machine load; the ratio is
    # the median of the pairs, the figures the best of each side.
    parse_times, both_times, ratios = [], [], []
    t_decode = float("inf")
    for index in range(REPEATS):
        pair = (parse_only, decode_and_parse) if index % 2 == 0 else (decode_and_parse, parse_only)
        times = {func: _best(func, 1) for func in pair}
        parse_times.append(times[parse_only])
        both_times.append(times[decode_and_parse])
        ratios.append(times[parse_only] / times[decode_and_parse])
        t_decode = min(t_decode, _best(decode_only, 1))
    # pymesos copies the rest of the buffer for every record: quadratic in the read size, so
    # a few rounds (alternating with ours) are plenty.
    ours, theirs = [], []
    for _ in range(3):
        ours.append(_best(decode_only, 1))
        theirs.append(_best(pymesos_only, 1))
    t_parse, t_both = min(parse_times), min(both_times)
    ratio = statistics.median(ratios)
    megabytes = len(stream) / 1e6
    return [
        {
            "name": "client.recordio_decode_and_json_loads (baseline: json.loads alone)",
            "value": round(count / t_both),
            "unit": "records/s",
            "baseline": round(count / t_parse),
            "ratio": round(ratio, 3),
            "target_ratio": 0.95,
            "read_size": CHUNK_SIZE,
        },
        {
            "name": "client.recordio_decode_only",
            "value": round(megabytes / t_decode, 1),
            "unit": "MB/s",
            "records_per_s": round(count / t_decode),
        },
        {
            "name": "client.recordio_decode_only (baseline: pymesos 0.3.15's framing)",
            "value": round(megabytes / min(ours), 1),
            "unit": "MB/s",
            "baseline": round(megabytes / min(theirs), 1),
            "ratio": round(min(theirs) / min(ours), 1),
            "target_ratio": 2.0,
        },
    ]


def bench_session(tasks: int = RECONCILE_TASKS) -> list[dict]:
    """UPDATE events/s through a live session: explicit RECONCILE of ``tasks`` unknown tasks."""
    from tests.support.sim import SimCluster

    with SimCluster(masters=1, agents=1, heartbeat_interval=1.0) as cluster:
        cluster.wait_for_agents()
        info = FrameworkInfo(user=os.environ.get("USER", "root"), name="bench", failover_timeout=60)
        with SchedulerSession(cluster.master_url(), info) as session:
            session.subscribe(timeout=20)
            agent = cluster.masters[0].state()["slaves"][0]["id"]
            wanted = {f"bench-{i}" for i in range(tasks)}
            start = time.perf_counter()
            session.reconcile([(task_id, agent) for task_id in sorted(wanted)])
            deadline = time.monotonic() + 120
            while wanted and time.monotonic() < deadline:
                try:
                    event = session.next_event(max(0.0, deadline - time.monotonic()))
                except MesosTimeout:
                    break
                if event.type == "UPDATE":
                    wanted.discard(event.status["task_id"]["value"])
            elapsed = time.perf_counter() - start
    received = tasks - len(wanted)
    return [
        {
            "name": "client.session_update_events",
            "value": round(received / elapsed),
            "unit": "events/s",
            "events": received,
            "expected": tasks,
            "seconds": round(elapsed, 3),
        }
    ]


def run() -> list[dict]:
    """Every client benchmark row."""
    rows = bench_decoder()
    try:
        rows.extend(bench_session())
    except (MesosError, AssertionError) as exc:
        raise RuntimeError(f"live session benchmark failed: {exc}") from exc
    return rows


def main() -> int:
    """Print the rows as JSON lines."""
    for row in run():
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
