"""ZooKeeper loss: one of three servers down (the cluster works on), two of three (the masters
step down, and come back when ZooKeeper does).

What Mesos 1.11 does, and so what is asserted:
- One server down: the other two keep a quorum; sessions move to them within the session
  timeout; one master leads (the same one, unless its session expired), agents stay
  registered, a ``mesos_task`` launch works.
- Two servers down: no quorum. A master disconnected from ZooKeeper for longer than
  ``--zk_session_timeout`` treats its session as expired (docs/High-Availability.md: "We also
  explicitly timeout our sessions, when disconnected from ZooKeeper"); the leader then exits
  ("Lost candidacy as a leader... committing suicide!", Master::lostCandidacy in
  src/master/master.cpp) and systemd restarts it (``Restart=always``); followers contend again
  and do not exit. While there is no leader, no master claims to lead and the scheduler API
  answers 503 ("No leader elected"). Agents keep their tasks running (nginx answers).
- ZooKeeper back: one leader again, both agents re-register, every task that ran runs once.
Counts and timings: .cache/faults/zookeeper-loss.json.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from faults_ansible import run_module
from faults_cluster import (
    WaitTimeout,
    active_agents,
    all_masters_contending,
    elected_masters,
    leader,
    live_by_name,
    master_flag,
    running_ids,
    scheduler_api_status,
    seconds,
    wait_for,
    wait_for_leader,
    zk_mode,
    zk_quorum_serving,
)
from faults_lab import HaLab, systemctl, unit_property
from faults_poller import NginxPoller
from faults_record import Rounds
from faults_steady import restore_everything, wait_until_steady

FRAMEWORK = "faults-ha"
ONE_DOWN_TASK = "faults-zk-one-down"
MODULE_TIMEOUT = 240.0
ELECTION_SLACK = 10.0
RECOVERY_TIMEOUT = 180.0
RESTART_WAIT = 30.0  # the units' RestartSec (3 s) plus a start on a busy host
NO_LEADER_STATUSES = {503, None}  # None: a master restarting after its suicide does not answer


@pytest.fixture(scope="module")
def record() -> Rounds:
    """Both ZooKeeper scenarios' measurements."""
    return Rounds("zookeeper-loss")


def zk_leader_host(lab: HaLab) -> str:
    """Inventory host of the ZooKeeper ensemble's leader."""
    for host, address in lab.zookeepers.items():
        if zk_mode(address) == "leader":
            return host
    raise AssertionError("no ZooKeeper server is the ensemble's leader")


def master_restarts(lab: HaLab) -> dict[str, int]:
    """systemd's restart counter of every master's unit."""
    return {
        host: int(unit_property(lab, host, "mesos-master", "NRestarts") or 0)
        for host in lab.masters
    }


def master_pids(lab: HaLab) -> dict[str, str]:
    """Main pid of every master's unit ('0' when it is not running)."""
    return {host: unit_property(lab, host, "mesos-master", "MainPID") for host in lab.masters}


def two_serving(lab: HaLab, down: str) -> bool:
    """The two servers left serve (one leader, one follower)."""
    modes = sorted(zk_mode(a) or "" for h, a in lab.zookeepers.items() if h != down)
    return modes == ["follower", "leader"]


def test_one_zookeeper_server_down_cluster_keeps_working(steady_lab, record) -> None:
    lab, nginx = steady_lab
    mesos_leader = wait_for_leader(lab, 30)
    session_timeout = seconds(master_flag(mesos_leader, "zk_session_timeout"))
    before = running_ids(mesos_leader)
    down = zk_leader_host(lab)
    poller = NginxPoller(nginx.url).start()
    try:
        stopped_at = time.monotonic()
        systemctl(lab, down, "stop", "zookeeper")
        wait_for(lambda: two_serving(lab, down), 60, "the two other ZooKeeper servers to serve")
        zk_reelect_s = time.monotonic() - stopped_at
        # Sessions move to the servers left; a master whose session expired meanwhile steps
        # down and another leads. Either way: one leader again.
        now_leading = wait_for_leader(lab, session_timeout + ELECTION_SLACK + 60)
        settled = wait_for(
            lambda: len(active_agents(lab, leader(lab) or now_leading)) == len(lab.agents),
            RECOVERY_TIMEOUT,
            "both agents active on the leader",
        )
        leader_s = time.monotonic() - stopped_at
        launch = run_module(
            "mesos_task",
            {
                "name": ONE_DOWN_TASK,
                "master": lab.zk_url,
                "command": "exec sleep 86400",
                "cpus": 0.05,
                "mem": 16,
                "framework": {"name": FRAMEWORK},
                "offer_timeout": 60,
                "timeout": 120,
            },
            MODULE_TIMEOUT,
        )
        launched = launch.result.get("task", {})
        removal = run_module(
            "mesos_task",
            {
                "name": ONE_DOWN_TASK,
                "state": "absent",
                "master": lab.zk_url,
                "framework": {"name": FRAMEWORK},
                "timeout": 60,
            },
            MODULE_TIMEOUT,
        )
    finally:
        poller.stop()
        systemctl(lab, down, "start", "zookeeper")
    assert settled
    assert launch.returncode == 0 and launch.result["changed"], launch.describe()
    assert launched["state"] == "TASK_RUNNING", launch.describe()
    assert removal.returncode == 0, removal.describe()
    current = leader(lab)
    assert current is not None, "no leader after the launch"
    after = running_ids(current)
    assert set(after) == set(before), (before, after)
    assert poller.failed == 0, f"nginx did not answer {poller.failed} times"
    wait_for(
        lambda: zk_quorum_serving(lab) and all_masters_contending(lab),
        RECOVERY_TIMEOUT,
        "all three ZooKeeper servers and masters back",
        interval=1.0,
    )
    record.add(
        scenario="one-of-three-down",
        zookeeper_stopped=lab.zookeepers[down],
        zookeeper_was_ensemble_leader=True,
        zk_reelect_s=round(zk_reelect_s, 2),
        mesos_leader_before=mesos_leader,
        mesos_leader_after=current,
        mesos_leader_kept=current == mesos_leader,
        leader_and_agents_s=round(leader_s, 2),
        launch_s=round(launch.seconds, 2),
        tasks_before=len(before),
        tasks_after=len(after),
        nginx_answered=poller.answered,
        nginx_failed=poller.failed,
    )


@dataclass
class QuorumLoss:
    """What happened while two of three ZooKeeper servers were down, and after they returned."""

    old_leader: str
    session_timeout: float
    step_down_s: float | None = None
    claimed_leadership: list[str] = field(default_factory=list)
    statuses: set[int | None] = field(default_factory=set)
    restarts_before: dict[str, int] = field(default_factory=dict)
    restarts_settled: dict[str, int] = field(default_factory=dict)
    restarts_leaderless: dict[str, int] = field(default_factory=dict)
    pids_settled: dict[str, str] = field(default_factory=dict)
    pids_leaderless: dict[str, str] = field(default_factory=dict)
    tasks_before: dict[str, str] = field(default_factory=dict)
    tasks_after: dict[str, str] = field(default_factory=dict)
    new_leader: str | None = None
    leader_back_s: float | None = None
    agents_back_s: float | None = None
    duplicates: dict[str, int] = field(default_factory=dict)
    nginx: NginxPoller | None = None


def _watch_leaderless(lab: HaLab, outcome: QuorumLoss) -> None:
    """For two session timeouts: who claims to lead, what the scheduler API answers."""
    watch_until = time.monotonic() + 2 * outcome.session_timeout
    for _ in range(200):
        if time.monotonic() > watch_until:
            return
        outcome.claimed_leadership += elected_masters(lab)
        outcome.statuses |= {scheduler_api_status(a) for a in lab.masters.values()}
        time.sleep(0.5)


def _lose_quorum(lab: HaLab, outcome: QuorumLoss, down: list[str]) -> None:
    stopped_at = time.monotonic()
    for host in down:
        systemctl(lab, host, "stop", "zookeeper")
    try:
        wait_for(
            lambda: not elected_masters(lab),
            outcome.session_timeout + ELECTION_SLACK,
            "the leading master to step down",
            interval=0.2,
        )
        outcome.step_down_s = round(time.monotonic() - stopped_at, 2)
    except WaitTimeout:
        outcome.step_down_s = None
    # The leader exits and systemd starts it again (RestartSec): from then on, nobody restarts.
    old_host = lab.host_of(outcome.old_leader)
    try:
        wait_for(
            lambda: (
                master_restarts(lab)[old_host] > outcome.restarts_before[old_host]
                and unit_property(lab, old_host, "mesos-master", "ActiveState") == "active"
            ),
            RESTART_WAIT,
            "systemd to restart the master that stepped down",
            interval=0.5,
        )
    except WaitTimeout:
        pass  # it did not exit: test_quorum_loss_leader_commits_suicide... says so
    outcome.pids_settled = master_pids(lab)
    outcome.restarts_settled = master_restarts(lab)
    _watch_leaderless(lab, outcome)
    outcome.restarts_leaderless = master_restarts(lab)
    outcome.pids_leaderless = master_pids(lab)


def _recover(lab: HaLab, outcome: QuorumLoss, back_at: float) -> None:
    outcome.new_leader = wait_for_leader(lab, RECOVERY_TIMEOUT)
    outcome.leader_back_s = round(time.monotonic() - back_at, 2)
    wait_for(
        lambda: len(active_agents(lab, leader(lab) or outcome.new_leader)) == len(lab.agents),
        RECOVERY_TIMEOUT,
        "both agents re-registered",
    )
    outcome.agents_back_s = round(time.monotonic() - back_at, 2)
    wanted = set(outcome.tasks_before)
    outcome.tasks_after = wait_for(
        lambda: _running_including(leader(lab) or outcome.new_leader, wanted),
        RECOVERY_TIMEOUT,
        "every task that ran before to be listed again",
    )
    copies = live_by_name(leader(lab) or outcome.new_leader)
    outcome.duplicates = {name: len(c) for name, c in copies.items() if len(c) > 1}


def _running_including(address: str, wanted: set[str]) -> dict[str, str] | None:
    ids = running_ids(address)
    return ids if wanted <= set(ids) else None


@pytest.fixture(scope="module")
def quorum_loss(ha_lab: HaLab, record: Rounds) -> QuorumLoss:
    """Two of three ZooKeeper servers (not the leader's machine's) down, then back: once."""
    lab = ha_lab
    nginx = wait_until_steady(lab)
    old = wait_for_leader(lab, 30)
    outcome = QuorumLoss(old, seconds(master_flag(old, "zk_session_timeout")))
    outcome.tasks_before = running_ids(old)
    outcome.restarts_before = master_restarts(lab)
    down = [host for host, address in lab.zookeepers.items() if address != old][:2]
    outcome.nginx = NginxPoller(nginx.url).start()
    try:
        try:
            _lose_quorum(lab, outcome, down)
        finally:
            back_at = time.monotonic()
            for host in down:
                systemctl(lab, host, "start", "zookeeper")
        _recover(lab, outcome, back_at)
    finally:
        outcome.nginx.stop()
        restore_everything(lab)
        wait_until_steady(lab)
    old_host = lab.host_of(old)
    record.add(
        scenario="two-of-three-down",
        zookeeper_stopped=[lab.zookeepers[h] for h in down],
        mesos_leader_before=old,
        mesos_leader_after=outcome.new_leader,
        step_down_s=outcome.step_down_s,
        masters_claiming_leadership_while_leaderless=sorted(set(outcome.claimed_leadership)),
        zk_session_timeout_s=outcome.session_timeout,
        scheduler_api_statuses=sorted(str(s) for s in outcome.statuses),
        leader_restarts=outcome.restarts_leaderless[old_host] - outcome.restarts_before[old_host],
        leader_back_s=outcome.leader_back_s,
        agents_back_s=outcome.agents_back_s,
        tasks_before=len(outcome.tasks_before),
        tasks_after=len(outcome.tasks_after),
        nginx_answered=outcome.nginx.answered,
        nginx_failed=outcome.nginx.failed,
    )
    return outcome


def test_quorum_loss_leader_steps_down_within_session_timeout(quorum_loss):
    assert quorum_loss.step_down_s is not None, "a master kept leading without ZooKeeper quorum"
    assert not quorum_loss.claimed_leadership, quorum_loss.claimed_leadership


def test_quorum_loss_leader_commits_suicide_and_systemd_restarts_it(ha_lab, quorum_loss):
    host = ha_lab.host_of(quorum_loss.old_leader)
    restarted = quorum_loss.restarts_leaderless[host] - quorum_loss.restarts_before[host]
    assert restarted >= 1, (quorum_loss.restarts_before, quorum_loss.restarts_leaderless)


def test_quorum_loss_scheduler_api_answers_no_leader(quorum_loss):
    assert quorum_loss.statuses <= NO_LEADER_STATUSES, quorum_loss.statuses
    assert 503 in quorum_loss.statuses, quorum_loss.statuses


def test_quorum_loss_no_crash_loop(ha_lab, quorum_loss):
    """Followers never exit; once the leader has exited and been restarted, no master restarts
    while there is no quorum (they wait for ZooKeeper)."""
    old_host = ha_lab.host_of(quorum_loss.old_leader)
    for host in ha_lab.masters:
        if host != old_host:
            assert quorum_loss.restarts_leaderless[host] == quorum_loss.restarts_before[host], host
    assert quorum_loss.restarts_leaderless == quorum_loss.restarts_settled
    assert quorum_loss.pids_leaderless == quorum_loss.pids_settled


def test_quorum_back_one_leader_agents_and_tasks_return(quorum_loss):
    assert quorum_loss.new_leader is not None
    assert set(quorum_loss.tasks_after) == set(quorum_loss.tasks_before)
    assert quorum_loss.tasks_after == quorum_loss.tasks_before, "a task moved to another agent"
    assert not quorum_loss.duplicates, quorum_loss.duplicates


def test_quorum_loss_tasks_keep_running(quorum_loss):
    """Agents keep their tasks without a master: nginx answered all along."""
    assert quorum_loss.nginx is not None and quorum_loss.nginx.answered > 0
    assert quorum_loss.nginx.failed == 0, quorum_loss.nginx.failures_at
