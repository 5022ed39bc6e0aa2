"""Ad hoc `mesos_task` launch to TASK_RUNNING vs ad hoc `ansible -m ping`, side by side.

Both are real `ansible localhost -m ...` runs (same controller overhead); mesos_task talks to a
local mesos_sim master and agent on loopback. Runs alternate (ping, launch, idempotent rerun)
so load on the machine hits every figure alike; medians of RUNS rounds are reported.
Target: launch / ping <= 1.5.
"""

from __future__ import annotations

import statistics
import time

from tests.modules.ansible_run import adhoc
from tests.modules.sim_setup import agent_resources
from tests.support.sim import SimCluster

RUNS = 7
TARGET_RATIO = 1.5


def _timed(module: str, args: dict | None = None) -> float:
    run = adhoc(module, args)
    result = run.result
    if result.get("failed") or run.returncode != 0:
        raise RuntimeError(f"ansible -m {module} failed: {run.describe()}")
    return run.seconds


def _round(master: str, index: int) -> tuple[float, float, float]:
    task = {
        "name": f"bench-{index}",
        "command": "exec sleep 600",
        "master": master,
        "settle": 0,  # launch to TASK_RUNNING, nothing after
    }
    ping = _timed("ping")
    launch = _timed("mesos_task", task)
    rerun = _timed("mesos_task", task)
    _timed("mesos_task", {"name": task["name"], "state": "absent", "master": master})
    return ping, launch, rerun


def run() -> list[dict]:
    """Median wall times (s) of ping, launch and idempotent rerun, with ratios to ping."""
    with SimCluster(resources=agent_resources()) as cluster:
        cluster.wait_for_agents()
        master = cluster.leader_url()
        _round(master, -1)  # warm-up: file caches, the framework's first registration
        started = time.monotonic()
        rounds = [_round(master, index) for index in range(RUNS)]
        seconds = time.monotonic() - started
    ping, launch, rerun = (statistics.median(column) for column in zip(*rounds, strict=True))
    ratio = round(launch / ping, 2)
    return [
        {"name": "ansible localhost -m ping", "value": round(ping, 3), "unit": "s"},
        {
            "name": "ansible localhost -m mesos_task (launch to TASK_RUNNING)",
            "value": round(launch, 3),
            "unit": "s",
            "baseline": round(ping, 3),
            "ratio": ratio,
            "target": f"<= {TARGET_RATIO}",
            "meets_target": ratio <= TARGET_RATIO,
        },
        {
            "name": "ansible localhost -m mesos_task (idempotent rerun, changed=false)",
            "value": round(rerun, 3),
            "unit": "s",
            "baseline": round(ping, 3),
            "ratio": round(rerun / ping, 2),
        },
        {"name": f"bench_modules total for {RUNS} rounds", "value": round(seconds, 1), "unit": "s"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
