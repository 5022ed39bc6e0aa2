"""Stream loss: traffic between the controller and the leading master is dropped (nftables in
the master's network namespace) while a SchedulerSession is subscribed and its task runs.

The session's watchdog must declare the silent stream dead after ``heartbeat_misses`` heartbeat
intervals (the read timeout it sets after SUBSCRIBED), keep re-subscribing while the master is
unreachable, and get a new stream with the same framework id once traffic flows again; the task
it launched must still run, exactly once, on the same agent.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pytest
from agent_stream_support import (
    MESOS_MASTER_PORT,
    FaultLab,
    NetnsFirewall,
    agent_running_task_ids,
    dropped,
    firewall_name,
    leader_address,
    machine_init_pids,
    master_flags,
    master_tasks,
    require_fault_lab,
    wait_for,
)
from faults_lab import HaLab
from faults_record import Rounds, repeat_count
from mesos_client import (
    FrameworkInfo,
    MesosError,
    ResourceRequest,
    SchedulerSession,
    command_task,
    match_offer,
)
from mesos_client.offers import OfferMatch

from lab.constants import GATEWAY

pytestmark = pytest.mark.lab

FRAMEWORK_NAME = "faults-stream-loss"
HEARTBEAT_MISSES = 5  # the client's default, what the modules run with
RECONNECT_TIMEOUT = 90.0
HOLD_AFTER_DETECTION = 3.0  # keep the cut a while, so re-subscription attempts fail first
TASK_REQUEST = ResourceRequest(cpus=0.05, mem=16)
EVENT_TIMEOUT = 30.0
# Upper bounds only: a loaded 2-core host makes the watchdog late by seconds (the figures go
# to .cache/faults/stream-loss.json), but never early.
LATE_SLACK = 15.0
# The read timeout starts when the client reads the last event; the test reads its age a
# moment after the cut: the measured silence can undershoot the watchdog's by this much.
CLOCK_GRAIN = 0.25


@dataclass
class LaunchedTask:
    """The task a round's session launched."""

    task_id: str
    agent_id: str
    hostname: str


def launch_sleeper(session: SchedulerSession, name: str) -> LaunchedTask:
    """Launch one long ``sleep`` on the first offer that fits; wait until it runs."""
    task_id = f"{name}-{uuid.uuid4().hex[:8]}"
    match: OfferMatch | None = None
    deadline = time.monotonic() + EVENT_TIMEOUT
    while match is None and time.monotonic() < deadline:
        offers = session.wait_for("OFFERS", deadline - time.monotonic()).offers
        for offer in offers:
            found = match_offer(offer, TASK_REQUEST)
            if match is None and isinstance(found, OfferMatch):
                match = found
        unused = [o["id"] for o in offers if match is None or o["id"]["value"] != match.offer_id]
        if unused:
            session.decline(unused, 1.0)
    if match is None:
        raise AssertionError(f"no offer fitting {TASK_REQUEST} within {EVENT_TIMEOUT:g}s")
    info = command_task(match, name, "exec sleep 3600", task_id=task_id)
    session.launch([match.offer_id], [info], 1.0)
    update = session.wait_for(
        "UPDATE",
        EVENT_TIMEOUT,
        predicate=lambda e: (
            e.status.get("task_id", {}).get("value") == task_id
            and e.status.get("state") in ("TASK_RUNNING", "TASK_FAILED", "TASK_ERROR", "TASK_LOST")
        ),
    )
    assert update.status["state"] == "TASK_RUNNING", update.status
    session.suppress()  # no more offers: the stream should carry only heartbeats
    return LaunchedTask(task_id, match.agent_id, match.hostname)


def reconciled_state(session: SchedulerSession, task: LaunchedTask) -> str:
    """The state the master reports for ``task`` on an explicit RECONCILE."""
    session.reconcile([(task.task_id, task.agent_id)])
    update = session.wait_for(
        "UPDATE",
        EVENT_TIMEOUT,
        predicate=lambda e: (
            e.status.get("task_id", {}).get("value") == task.task_id
            and e.status.get("reason") == "REASON_RECONCILIATION"
        ),
    )
    return str(update.status["state"])


def copies_of(lab: FaultLab, task_id: str) -> dict[str, int]:
    """Live copies of ``task_id``: in the master's ``tasks`` and on every agent."""
    listed = master_tasks(lab)
    counts = {
        "master_live": sum(
            t["task_id"]["value"] == task_id
            for key in ("pending_tasks", "tasks")
            for t in listed[key]
        ),
        "master_unreachable": sum(
            t["task_id"]["value"] == task_id for t in listed["unreachable_tasks"]
        ),
    }
    for host, address in lab.agents.items():
        counts[f"agent_{host}"] = agent_running_task_ids(address).count(task_id)
    return counts


def one_round(lab: FaultLab, round_no: int, rounds: Rounds) -> None:
    """Subscribe, launch, cut the leader off from us, measure detection and recovery."""
    framework = FrameworkInfo(user="root", name=FRAMEWORK_NAME, failover_timeout=600.0)
    session = SchedulerSession(
        lab.zk_url,
        framework,
        heartbeat_misses=HEARTBEAT_MISSES,
        reconnect_timeout=RECONNECT_TIMEOUT,
    )
    teardown = True
    try:
        first = session.subscribe(timeout=EVENT_TIMEOUT)
        interval = first.heartbeat_interval
        task = launch_sleeper(session, f"stream-loss-{round_no}")
        leader = leader_address(lab)
        leader_host = next(h for h, ip in lab.masters.items() if ip == leader)
        assert first.leader_url.endswith(f"//{leader}:{MESOS_MASTER_PORT}"), first.leader_url

        # Cut right after a heartbeat, so the silence we measure starts at the cut.
        session.wait_for("HEARTBEAT", interval * 2 + LATE_SLACK)
        firewall = NetnsFirewall(
            init_pid=machine_init_pids(lab)[leader_host],
            name=firewall_name("stream"),
            peers=(str(GATEWAY),),
            local_tcp_port=MESOS_MASTER_PORT,
        )
        with dropped(firewall):
            cut = time.monotonic()
            last_event = session.seconds_since_last_event or 0.0
            wait_for(
                lambda: not session.is_subscribed,
                HEARTBEAT_MISSES * interval + interval + 10,
                "the watchdog to declare the stream dead",
                interval=0.05,
            )
            detected = time.monotonic()
            # While cut off, the session keeps trying and must not give up.
            time.sleep(HOLD_AFTER_DETECTION)
            assert not session.is_subscribed, "re-subscribed although the master is cut off"
            assert session.subscriptions == 1
        healed = time.monotonic()
        assert not firewall.exists(), "the nft table was not removed"
        wait_for(
            lambda: session.is_subscribed and session.subscriptions == 2,
            RECONNECT_TIMEOUT,
            "re-subscription after the cut healed",
            interval=0.05,
        )
        resubscribed = time.monotonic()
        second = session.subscription
        assert second is not None
        assert second.framework_id == first.framework_id, "re-subscribed as another framework"
        assert second.stream_id != first.stream_id, "the master kept the old stream id"

        silence = detected - cut + last_event
        allowed = HEARTBEAT_MISSES * interval
        # The watchdog's promise: never before heartbeat_misses x interval of silence; late
        # by at most one interval plus a loaded host's delay (recorded, not asserted).
        assert allowed - CLOCK_GRAIN <= silence <= allowed + interval + LATE_SLACK, (
            f"stream declared dead after {silence:.2f}s of silence; the watchdog allows "
            f"{HEARTBEAT_MISSES} x {interval:g}s = {allowed:g}s"
        )
        state = reconciled_state(session, task)
        assert state == "TASK_RUNNING", f"task {task.task_id} is {state} after the stream loss"
        copies = copies_of(lab, task.task_id)
        agent_host = lab.agent_host_of(task.hostname)
        expected = {key: 0 for key in copies} | {"master_live": 1, f"agent_{agent_host}": 1}
        assert copies == expected, f"task {task.task_id} lost or duplicated: {copies}"
        terminal = {t: s for t, s in session.task_states.items() if s not in ("TASK_RUNNING",)}
        assert not terminal, f"the session saw tasks leave RUNNING: {terminal}"
        rounds.add(
            heartbeat_interval_s=interval,
            heartbeat_misses=HEARTBEAT_MISSES,
            watchdog_allows_s=allowed,
            detect_late_by_s=round(silence - allowed, 2),
            detect_after_cut_s=round(detected - cut, 2),
            silence_at_detection_s=round(silence, 2),
            resubscribe_after_heal_s=round(resubscribed - healed, 2),
            leader=leader,
            task_copies=copies,
        )
    except MesosError as exc:
        teardown = session.is_subscribed
        raise AssertionError(f"round {round_no}: {type(exc).__name__}: {exc}") from exc
    finally:
        session.close(teardown=teardown)


@pytest.fixture(scope="module")
def agent_stream_lab(ha_lab: HaLab) -> FaultLab:
    """The HA lab, brought up and converged by conftest.py's ``ha_lab``."""
    return require_fault_lab(ha_lab.inventory)


def test_heartbeat_interval_is_short_enough_for_ci(agent_stream_lab: FaultLab) -> None:
    """The lab's masters send heartbeats often enough that a round fits in CI time."""
    flags = master_flags(agent_stream_lab)
    interval = float(flags.get("sim_heartbeat_interval", "15"))
    assert interval <= 5, (
        f"heartbeat interval {interval:g}s: a round would take over "
        f"{HEARTBEAT_MISSES * interval:g}s; set mesos_master_flags.sim_heartbeat_interval "
        "(simulator only) in the inventory"
    )


def test_watchdog_notices_dropped_stream_and_resubscribes(agent_stream_lab: FaultLab) -> None:
    """Repeated FAULTS_REPEAT times; numbers go to .cache/faults/stream-loss.json."""
    rounds = Rounds("stream-loss")
    for round_no in range(1, repeat_count() + 1):
        one_round(agent_stream_lab, round_no, rounds)
