"""Leader loss: the leading master stops (its unit, or its whole machine) during real work.

Each round, at the moment the leader goes away:
- a ``mesos_task`` run (real ``ansible`` from the controller, master ``zk://`` of the three
  ZooKeeper servers) is waiting for offers: its task wants rack c3po, whose only agent is down;
- tasks run: nginx from site.yml (rack r2d2) and a sleeper of the suite's own framework.
Then: a new master leads (time measured from the stop), the c3po agent comes back, the module
finishes against the new leader and its task runs there, both agents re-register, every task
that ran before runs once on the same agent (counted by task id), nginx answered throughout.
The stopped master is restored and rejoins as a follower. FAULTS_REPEAT rounds per kind;
counts and timings go to .cache/faults/leader-loss-<kind>.json.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from faults_ansible import BackgroundModule, ModuleResult, run_module
from faults_cluster import (
    active_agents,
    all_masters_contending,
    framework_connected,
    leader,
    live_by_name,
    master_flag,
    running_ids,
    seconds,
    wait_for,
    wait_for_leader,
    zk_quorum_serving,
    zk_remaining_serve,
)
from faults_lab import HaLab, boot_missing_machines, kill_machine, systemctl
from faults_leader_view import leader_view
from faults_poller import NginxPoller
from faults_record import Rounds, max_repeat_count

FRAMEWORK = "faults-ha"
WAITING_TASK = "faults-waiting"
SLEEPER_TASK = "faults-sleeper"
SLEEP_COMMAND = "exec sleep 86400"
MODULE_TIMEOUT = 300.0
SUBSCRIBE_TIMEOUT = 120.0
# A new leader is due one ZooKeeper session timeout after ZooKeeper serves (a killed machine
# may take the ensemble's leader with it: the other two elect one first, and the new ZooKeeper
# leader gives every session a fresh timeout). Slack: sessions expire on tick boundaries, the
# masters learn of it through a watch, and a loaded host adds seconds.
ELECTION_SLACK = 10.0
FAILOVER_CAP = 90.0
REREGISTER_TIMEOUT = 90.0
RESTORE_TIMEOUT = 180.0


def stop_unit(lab: HaLab, host: str) -> None:
    """``systemctl stop mesos-master`` on the host (Mesos: a clean SIGTERM)."""
    systemctl(lab, host, "stop", "mesos-master")


def start_unit(lab: HaLab, host: str) -> None:
    """``systemctl start mesos-master`` on the host."""
    systemctl(lab, host, "start", "mesos-master")


def reboot_machine(lab: HaLab, host: str) -> None:
    """``python -m lab up``: boots the killed machine again; its units start at boot."""
    boot_missing_machines(lab)


STOP: dict[str, Callable[[HaLab, str], None]] = {"unit": stop_unit, "machine": kill_machine}
RESTORE: dict[str, Callable[[HaLab, str], None]] = {"unit": start_unit, "machine": reboot_machine}
KINDS = sorted(STOP)


def task_args(lab: HaLab, name: str, rack: str, offer_timeout: float) -> dict:
    """mesos_task arguments for a sleeper of the suite's framework in ``rack``."""
    return {
        "name": name,
        "master": lab.zk_url,
        "command": SLEEP_COMMAND,
        "cpus": 0.05,
        "mem": 16,
        "constraints": {"rack": rack},
        "framework": {"name": FRAMEWORK},
        "offer_timeout": offer_timeout,
        "timeout": MODULE_TIMEOUT - 30,
    }


@pytest.fixture(scope="module")
def records(ha_lab: HaLab) -> dict[str, Rounds]:
    """One record per kind of leader loss (and Mesos)."""
    return {kind: Rounds(f"leader-loss-{kind}", mesos=ha_lab.mesos) for kind in KINDS}


@pytest.fixture(scope="module")
def sleeper(ha_lab: HaLab) -> str:
    """A task of the suite's framework running in rack r2d2 (launched once, kept running);
    returns its Mesos task id."""
    result = run_module("mesos_task", task_args(ha_lab, SLEEPER_TASK, "r2d2", 60), MODULE_TIMEOUT)
    assert result.returncode == 0, result.describe()
    assert result.result["task"]["state"] == "TASK_RUNNING", result.describe()
    return result.result["task"]["id"]


def await_failover(lab: HaLab, old: str, stopped_at: float) -> tuple[str, float, float]:
    """Poll (bounded) until a master other than ``old`` leads.

    Returns the new leader, seconds until ZooKeeper served again (its remaining servers, one
    the leader) and seconds until the new leader.
    """
    zk_serving_s: float | None = None
    deadline = stopped_at + FAILOVER_CAP
    for _ in range(int(FAILOVER_CAP / 0.1) + 1):
        now = time.monotonic() - stopped_at
        if zk_serving_s is None and zk_remaining_serve(lab):
            zk_serving_s = now
        new = leader(lab)
        if new is not None and new != old:
            return new, zk_serving_s if zk_serving_s is not None else now, now
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raise AssertionError(f"no new leader within {FAILOVER_CAP:g}s of stopping {old}")


def _c3po_down_and_task_gone(lab: HaLab, address: str, c3po: str) -> bool:
    if c3po in active_agents(lab, address):
        return False
    return WAITING_TASK not in live_by_name(address)


def _running_including(address: str, wanted: set[str]) -> dict[str, str] | None:
    """The running tasks by id once all of ``wanted`` run (else None)."""
    ids = running_ids(address)
    return ids if wanted <= set(ids) else None


@pytest.mark.parametrize("round_no", range(1, max_repeat_count() + 1))
@pytest.mark.parametrize("kind", KINDS)
def test_leader_loss(steady_lab, sleeper, records, kind: str, round_no: int) -> None:
    lab, nginx = steady_lab
    old = wait_for_leader(lab, 30)
    session_timeout = seconds(master_flag(old, "zk_session_timeout"))
    old_host = lab.host_of(old)
    c3po, r2d2 = lab.agent_in_rack("c3po"), lab.agent_in_rack("r2d2")

    # A real agent keeps its tasks while stopped and brings them back when it re-registers
    # (mesos_sim's agent kills them): the previous round's copy goes first, or it would
    # return beside this round's.
    absent = {"name": WAITING_TASK, "master": lab.zk_url, "framework": {"name": FRAMEWORK}}
    cleared = run_module("mesos_task", absent | {"state": "absent"}, MODULE_TIMEOUT)
    assert cleared.returncode == 0, cleared.describe()

    # The module will wait for offers: the only agent its task fits on is down.
    systemctl(lab, c3po.host, "stop", "mesos-agent")
    wait_for(
        lambda: _c3po_down_and_task_gone(lab, old, c3po.address),
        60,
        f"agent {c3po.address} inactive and {WAITING_TASK} not live",
    )
    before = running_ids(old)
    assert {nginx.task_id, sleeper} <= set(before), before
    admitted = {a.agent_id for a in active_agents(lab, old).values()}

    module = BackgroundModule("mesos_task", task_args(lab, WAITING_TASK, "c3po", 240))
    poller = NginxPoller(nginx.url)
    try:
        wait_for(
            lambda: framework_connected(old, FRAMEWORK) or not module.running(),
            SUBSCRIBE_TIMEOUT,
            f"mesos_task to subscribe {FRAMEWORK} to {old}",
        )
        assert module.running(), "mesos_task ended before the leader was stopped"
        poller.start()
        stopped_at = time.monotonic()
        STOP[kind](lab, old_host)
        new, zk_serving_s, failover_s = await_failover(lab, old, stopped_at)
        # What the new leader knows at once (recorded; real Mesos: its registry's agents).
        at_election = leader_view(new, stopped_at)
        systemctl(lab, c3po.host, "start", "mesos-agent")
        result: ModuleResult = module.finish(MODULE_TIMEOUT)
        module_s = time.monotonic() - stopped_at
        registered = wait_for(
            lambda: len(active_agents(lab, new)) == len(lab.agents),
            REREGISTER_TIMEOUT,
            f"both agents active on the new leader {new}",
        )
        agents_s = time.monotonic() - stopped_at
    finally:
        module.stop()
        poller.stop()
    assert registered
    if lab.mesos == "real":
        # Mesos's registry (replicated log) holds every admitted agent: the new leader knows
        # them (recovered, or re-registered already) before any has re-registered.
        assert admitted <= at_election.known_agent_ids, (admitted, at_election)
    assert admitted <= {a.agent_id for a in active_agents(lab, new).values()}, admitted
    assert failover_s <= zk_serving_s + session_timeout + ELECTION_SLACK, (
        f"new leader after {failover_s:.1f}s: ZooKeeper served after {zk_serving_s:.1f}s, "
        f"session timeout {session_timeout:g}s"
    )

    # The module finished against the new leader: its task runs there, on the c3po agent.
    assert result.returncode == 0, result.describe()
    task = result.result["task"]
    assert result.result["changed"] is True, result.describe()
    assert (task["name"], task["state"], task["hostname"]) == (
        WAITING_TASK,
        "TASK_RUNNING",
        c3po.address,
    ), result.describe()
    launched = task["id"]
    assert leader(lab) == new, "leadership moved again while the module ran"

    # Nothing lost, nothing duplicated: every task that ran, runs once, on the same agent.
    after = wait_for(
        lambda: _running_including(new, set(before) | {launched}),
        REREGISTER_TIMEOUT,
        f"the new leader {new} to list every task that ran before",
    )
    moved = {tid: (before[tid], after[tid]) for tid in before if after[tid] != before[tid]}
    assert not moved, f"tasks changed agent: {moved}"
    assert set(after) == set(before) | {launched}, (before, after)
    copies = {name: len(found) for name, found in live_by_name(new).items()}
    assert all(count == 1 for count in copies.values()), f"duplicated tasks: {copies}"
    assert poller.failed == 0, f"nginx did not answer {poller.failed} times: {poller.failures_at}"

    # Restore the stopped master: it rejoins as a follower, the new leader stays.
    restored_at = time.monotonic()
    RESTORE[kind](lab, old_host)
    wait_for(
        lambda: zk_quorum_serving(lab) and all_masters_contending(lab),
        RESTORE_TIMEOUT,
        "three masters contending again",
        interval=1.0,
    )
    restore_s = time.monotonic() - restored_at
    assert leader(lab) == new, "the restored master took leadership back"

    records[kind].add(
        kind=kind,
        old_leader=old,
        new_leader=new,
        failover_s=round(failover_s, 2),
        zk_serving_s=round(zk_serving_s, 2),
        module_finished_s=round(module_s, 2),
        agents_reregistered_s=round(agents_s, 2),
        restore_s=round(restore_s, 2),
        zk_session_timeout_s=session_timeout,
        tasks_before=len(before),
        tasks_after=len(after),
        module_changed=result.result["changed"],
        nginx_answered=poller.answered,
        nginx_failed=poller.failed,
        r2d2_agent=r2d2.address,
        at_election=at_election.record(),
    )
