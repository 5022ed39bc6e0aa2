"""Ad hoc `mesos_task` launch to TASK_RUNNING vs ad hoc `ansible -m ping`, side by side.

Both are real `ansible` runs against the same host, so the controller's overhead is the same:
* always: localhost, with mesos_task talking to a local mesos_sim master and agent on loopback;
* always, in the same run: localhost against a local real Mesos master and agent on loopback
  (tests/support/real_mesos.py; the task runs under real Mesos's command executor, so launch
  takes longer); each real row follows its sim row; without a Mesos package here, one row
  says why the real rows were not run;
* when the seed lab (`make lab`, inventories/local) is running: the master machine over SSH,
  with mesos_task finding the masters through /etc/mesos/zk there; plus the wall time of an
  idempotent `ansible-playbook site.yml` rerun (and its changed count, which should be 0).
Runs alternate (ping, launch, idempotent rerun, kill) so load on the machine hits every
figure alike; medians of RUNS rounds. Target: launch / ping <= 1.5.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from tests.modules.ansible_run import REPO_ROOT, AnsibleRun, adhoc, playbook
from tests.modules.sim_setup import agent_resources
from tests.support.real_mesos import RealMesosCluster
from tests.support.sim import SimCluster

from .real import real_label, real_rows_or_reason, side_by_side

RUNS = 7
TARGET_RATIO = 1.5
LAB_INVENTORY = "inventories/local"
LAB_MASTER_GROUP = "mesos_masters"


def _checked(run: AnsibleRun, what: str, host: str) -> float:
    results = run.results(host)
    if run.returncode != 0 or not results or results[-1].get("failed"):
        raise RuntimeError(f"{what} failed: {run.describe()}")
    return run.seconds


def _rounds(do: Callable[[str, dict | None], float], master: str | None) -> list[tuple]:
    rows = []
    for index in range(-1, RUNS):  # round -1 warms caches and registers the framework
        task = {"name": f"bench-{index + 1}", "command": "exec sleep 600", "settle": 0}
        if master:
            task["master"] = master
        gone = {"name": task["name"], "state": "absent", **({"master": master} if master else {})}
        ping = do("ping", None)
        launch = do("mesos_task", task)
        rerun = do("mesos_task", task)
        do("mesos_task", gone)
        if index >= 0:
            rows.append((ping, launch, rerun))
    return rows


def _summary(where: str, rounds: list[tuple]) -> list[dict]:
    ping, launch, rerun = (statistics.median(column) for column in zip(*rounds, strict=True))
    ratio = round(launch / ping, 2)
    return [
        {"name": f"{where}: ansible -m ping", "value": round(ping, 3), "unit": "s"},
        {
            "name": f"{where}: ansible -m mesos_task, launch to TASK_RUNNING",
            "value": round(launch, 3),
            "unit": "s",
            "baseline": round(ping, 3),
            "ratio": ratio,
            "target": f"<= {TARGET_RATIO}",
            "meets_target": ratio <= TARGET_RATIO,
        },
        {
            "name": f"{where}: ansible -m mesos_task, idempotent rerun (changed=false)",
            "value": round(rerun, 3),
            "unit": "s",
            "baseline": round(ping, 3),
            "ratio": round(rerun / ping, 2),
        },
    ]


def _localhost_rows(cluster: SimCluster, where: str) -> list[dict]:
    """Rounds of ansible runs on localhost against ``cluster`` (started and stopped here)."""
    with cluster:
        cluster.wait_for_agents(timeout=60)

        def do(module: str, args: dict | None) -> float:
            return _checked(adhoc(module, args), f"ansible localhost -m {module}", "localhost")

        return _summary(where, _rounds(do, cluster.leader_url()))


def local_rows() -> list[dict]:
    """localhost against mesos_sim on loopback."""
    return _localhost_rows(SimCluster(resources=agent_resources()), "localhost + local mesos_sim")


def local_real_rows() -> list[dict]:
    """localhost against real Mesos on loopback."""
    cluster = RealMesosCluster(resources=agent_resources())
    return _localhost_rows(cluster, f"localhost + local {real_label()}")


def lab_is_up() -> bool:
    """True when the seed lab's bridge and machines are up (checked before any traffic)."""
    from lab.network import LabError, require_lab_address

    status = subprocess.run(
        [sys.executable, "-m", "lab", "status", "-i", LAB_INVENTORY, "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    try:
        machines = json.loads(status.stdout)["machines"]
        for machine in machines:
            require_lab_address(machine["address"])
    except (ValueError, KeyError, LabError):
        return False
    return bool(machines) and all(m.get("state") == "running" for m in machines)


def _lab_adhoc(module: str, args: dict | None) -> AnsibleRun:
    return adhoc(module, args, hosts=LAB_MASTER_GROUP, inventory=LAB_INVENTORY)


def lab_rows() -> list[dict]:
    """The seed lab's master over SSH, and an idempotent site.yml rerun."""
    host = "master"

    def do(module: str, args: dict | None) -> float:
        return _checked(_lab_adhoc(module, args), f"ansible {LAB_MASTER_GROUP} -m {module}", host)

    rows = _summary("seed lab master over SSH", _rounds(do, None))
    started = time.monotonic()
    run = playbook("site.yml", inventory=LAB_INVENTORY, timeout=1200)
    seconds = time.monotonic() - started
    if run.returncode != 0:
        raise RuntimeError(f"site.yml rerun failed: {run.describe()}")
    changed = sum(stats.get("changed", 0) for stats in run.output.get("stats", {}).values())
    rows.append(
        {
            "name": f"seed lab: idempotent ansible-playbook site.yml rerun (changed={changed})",
            "value": round(seconds, 1),
            "unit": "s",
        }
    )
    return rows


def run() -> list[dict]:
    """Median wall times (s) and ratios to ping, mesos_sim and real Mesos side by side; lab
    rows only when the seed lab is up."""
    rows = side_by_side(local_rows(), real_rows_or_reason(local_real_rows), baseline_sim=False)
    if lab_is_up():
        rows += lab_rows()
    else:
        rows.append({"name": "seed lab rows skipped: lab not running", "value": "-", "unit": "-"})
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
