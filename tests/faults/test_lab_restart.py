"""Restart the whole HA lab (``make lab-down``, then ``make lab``): the same state comes back.

Same state: three masters and one leader, ZooKeeper serving, both agents registered with the
attributes the inventory gives them, exactly one nginx task and nginx answering, nothing else
running. Then a second ``make lab`` (``lab up`` + ``ansible-playbook site.yml``) changes
nothing. Runs last in the fault suite (conftest moves it): it replaces every machine.
Timings: .cache/faults/lab-restart.json.
"""

from __future__ import annotations

import re
import time

from faults_cluster import active_agents, live_by_name, nginx_answers, wait_for, wait_for_leader
from faults_lab import MAKE_DOWN_TIMEOUT, MAKE_LAB_TIMEOUT, HaLab, machine_states, make
from faults_record import RESULTS_DIR, Rounds
from faults_steady import NGINX_TASK, find_nginx, wait_until_steady

TASK_LINE = re.compile(r"^TASK \[(?P<task>.+?)\] \*+$")
CHANGED_LINE = re.compile(r"^changed: \[(?P<host>[^\]]+)\]")
RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)",
    re.MULTILINE,
)


def recap(output: str) -> dict[str, dict[str, int]]:
    """PLAY RECAP counters by host from ansible-playbook's output."""
    hosts = {
        m["host"]: {k: int(m[k]) for k in ("changed", "unreachable", "failed")}
        for m in RECAP.finditer(output)
    }
    assert hosts, f"no PLAY RECAP in the output:\n{output[-3000:]}"
    return hosts


def changed_tasks(output: str) -> list[str]:
    """``host: task`` for every task ansible-playbook reported as changed."""
    found, task = [], "?"
    for line in output.splitlines():
        if heading := TASK_LINE.match(line):
            task = heading["task"]
        elif changed := CHANGED_LINE.match(line):
            found.append(f"{changed['host']}: {task}")
    return found


def keep_log(name: str, output: str) -> None:
    """Save a make run's output next to the suite's results, for whoever reads a failure."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{name}.log").write_text(output)


def cluster_state(lab: HaLab) -> dict:
    """What must survive a restart: agents and their attributes, live tasks by name, nginx's
    host."""
    address = wait_for_leader(lab, 60)
    agents = {h: a.attributes for h, a in active_agents(lab, address).items()}
    live = {name: len(copies) for name, copies in live_by_name(address).items()}
    return {"agents": agents, "live_tasks": live, "nginx_host": find_nginx(lab).agent_address}


def test_lab_down_and_up_gives_the_same_state_and_a_rerun_changes_nothing(steady_lab) -> None:
    lab, _ = steady_lab
    expected_agents = {a.address: a.attributes for a in lab.agents}
    before = cluster_state(lab)
    assert before["agents"] == expected_agents, before

    started = time.monotonic()
    make("lab-down", lab, MAKE_DOWN_TIMEOUT)
    down_s = time.monotonic() - started
    assert {row["state"] for row in machine_states(lab).values()} == {"absent"}

    started = time.monotonic()
    first = make("lab", lab, MAKE_LAB_TIMEOUT)
    up_s = time.monotonic() - started
    keep_log("lab-restart-make-lab-cold", first)
    for host, counts in recap(first).items():
        assert counts["failed"] == 0 and counts["unreachable"] == 0, (host, counts)

    nginx = wait_until_steady(lab)
    after = cluster_state(lab)
    assert after["agents"] == expected_agents, after
    assert after["live_tasks"] == {NGINX_TASK: 1}, after
    assert after["nginx_host"] == before["nginx_host"], (before, after)
    assert wait_for(lambda: nginx_answers(nginx.url), 60, f"nginx at {nginx.url}")

    started = time.monotonic()
    second = make("lab", lab, MAKE_LAB_TIMEOUT)
    rerun_s = time.monotonic() - started
    keep_log("lab-restart-make-lab-rerun", second)
    changed = {host: counts["changed"] for host, counts in recap(second).items()}
    assert all(count == 0 for count in changed.values()), (changed, changed_tasks(second))
    assert cluster_state(lab)["live_tasks"] == {NGINX_TASK: 1}

    Rounds("lab-restart").add(
        lab_down_s=round(down_s, 1),
        make_lab_cold_s=round(up_s, 1),
        make_lab_rerun_s=round(rerun_s, 1),
        rerun_changed=changed,
        tasks_before=before["live_tasks"],
        tasks_after=after["live_tasks"],
        nginx_url=nginx.url,
    )
