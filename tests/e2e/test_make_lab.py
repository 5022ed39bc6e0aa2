"""End to end: the README's `make lab` on the seed inventory, run exactly as a user runs it.

If the seed lab is already up (a developer ran `make lab` before `make test`), the tests use it
and leave it running; otherwise they bring it up and take it down again at the end.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from lab.network import require_lab_address

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = "inventories/local"
MASTER = "192.168.33.10"
AGENT = "192.168.33.11"
LAB_HOME = Path("/var/lib/mesos-lab")
RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)",
    re.MULTILINE,
)
NGINX_URL = re.compile(r"http://192\.168\.33\.11:(\d+)/")
HTTP_TIMEOUT = 10


def run(*cmd: str, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, check=False, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def lab_status() -> dict:
    out = run(sys.executable, "-m", "lab", "status", "-i", INVENTORY, "--json", timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def machine_pids(report: dict) -> dict[str, int | None]:
    return {m["name"]: m["pid"] for m in report["machines"]}


def make_lab() -> str:
    out = run("make", "lab", timeout=1500)
    assert out.returncode == 0, f"make lab failed:\n{out.stdout[-6000:]}\n{out.stderr[-3000:]}"
    return out.stdout


def recap(output: str) -> dict[str, dict[str, int]]:
    hosts = {
        m["host"]: {k: int(m[k]) for k in ("changed", "unreachable", "failed")}
        for m in RECAP.finditer(output)
    }
    assert hosts, "no PLAY RECAP in make lab output"
    return hosts


def operator_call(call: str) -> dict:
    require_lab_address(MASTER)
    reply = requests.post(
        f"http://{MASTER}:5050/api/v1",
        json={"type": call},
        headers={"Accept": "application/json"},
        timeout=HTTP_TIMEOUT,
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def running_tasks(name: str) -> list[dict]:
    tasks = operator_call("GET_TASKS")["get_tasks"].get("tasks", [])
    return [t for t in tasks if t["name"] == name and t["state"] == "TASK_RUNNING"]


@pytest.fixture(scope="module")
def seed_lab():
    """The seed lab after `make lab`: (make lab's output, whether this module started it)."""
    before = lab_status()
    started_here = not all(m["state"] == "running" for m in before["machines"])
    output = make_lab()
    yield output, started_here
    if started_here:
        down = run("make", "lab-down", timeout=600)
        assert down.returncode == 0, down.stdout[-3000:] + down.stderr[-3000:]


def test_make_lab_converges_without_failures(seed_lab):
    output, _ = seed_lab
    for host, counts in recap(output).items():
        assert counts["failed"] == 0 and counts["unreachable"] == 0, (host, counts)


def test_zookeeper_answers_ruok(seed_lab):
    require_lab_address(MASTER)
    with socket.create_connection((MASTER, 2181), timeout=HTTP_TIMEOUT) as conn:
        conn.sendall(b"ruok")
        assert conn.recv(16) == b"imok"


def test_master_is_healthy(seed_lab):
    require_lab_address(MASTER)
    assert requests.get(f"http://{MASTER}:5050/health", timeout=HTTP_TIMEOUT).status_code == 200


def test_agent_registered_with_the_seed_attributes(seed_lab):
    agents = operator_call("GET_AGENTS")["get_agents"]["agents"]
    assert [a["agent_info"]["hostname"] for a in agents] == [AGENT]
    attributes = {a["name"]: a["text"]["value"] for a in agents[0]["agent_info"]["attributes"]}
    assert attributes == {"rack": "r2d2", "pod": "demo,dev"}


def test_nginx_runs_as_a_mesos_task_and_answers(seed_lab):
    output, _ = seed_lab
    printed = NGINX_URL.search(output)
    assert printed, "make lab did not print nginx's URL"
    tasks = running_tasks("nginx")
    assert len(tasks) == 1, tasks
    require_lab_address(AGENT)
    reply = requests.get(printed.group(0), timeout=HTTP_TIMEOUT)
    assert reply.status_code == 200
    assert reply.headers.get("Server", "").startswith("nginx")


def test_second_make_lab_changes_nothing(seed_lab):
    pids_before = machine_pids(lab_status())
    output = make_lab()
    assert all(c["changed"] == 0 for c in recap(output).values()), recap(output)
    assert machine_pids(lab_status()) == pids_before, "make lab restarted a machine"
    assert len(running_tasks("nginx")) == 1, "a second make lab started another nginx"


def test_lab_down_leaves_nothing_behind(seed_lab):
    _, started_here = seed_lab
    if not started_here:
        pytest.skip("the seed lab was up before the tests; it stays up")
    down = run("make", "lab-down", timeout=600)
    assert down.returncode == 0, down.stdout[-3000:] + down.stderr[-3000:]
    report = lab_status()
    assert {m["state"] for m in report["machines"]} == {"absent"}
    others = list((LAB_HOME / "machines").glob("*")) if (LAB_HOME / "machines").exists() else []
    if not others:
        assert not report["network"]["bridge_present"]
        assert report["network"]["nft_table_present"] is False
