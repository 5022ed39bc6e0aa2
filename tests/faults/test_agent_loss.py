"""Agent loss: the agent running a `mesos_task` task disappears and comes back.

Three ways to lose an agent, each repeated FAULTS_REPEAT times:

* ``partition``: nftables in the agent's network namespace drop everything between it and the
  masters (ZooKeeper included). The agent and its task keep running, unseen.
* ``unit_stop``: ``systemctl stop mesos-agent`` on the agent, later ``systemctl start``.
* ``machine_kill``: the agent's whole machine is killed (SIGKILL to its init), later booted
  again with ``python -m lab up`` (the agent unit is enabled, so it starts at boot).

Each round: `mesos_task` (real ansible on the controller) launches a task with no constraint
(both agents match); a scheduler session subscribed as the module's framework watches; the
fault is applied; the master must give up on the agent after ``agent_ping_timeout x
max_agent_ping_timeouts`` and tell the framework (FAILURE for the agent; for the task
TASK_LOST, because `mesos_task`'s framework is not PARTITION_AWARE, or the terminal state the
agent sent while stopping); `mesos_task state=present` again must relaunch on the other agent
(under a fresh task id: `mesos_task` finds its task by name); then the agent returns and
re-registers, and one more `mesos_task state=present` must leave exactly one copy running
(killing the returned agent's copy or the relaunched one, whichever it does not keep).

What Mesos 1.11 does when the agent returns (src/master/master.cpp, ``Master::__reregisterSlave``;
src/tests/partition_tests.cpp, ``ReregisterSlaveNotPartitionAware``): the agent is allowed back
and every task it reports is re-added as RUNNING, partition-aware framework or not (since 1.5,
MESOS-7215 in the CHANGELOG; docs/high-availability-framework-guide.md still describes the
older "agent is shut down" rule). It prevents duplicates differently: while the task is
unreachable, a LAUNCH that reuses its id is refused with TASK_ERROR "Task reuses the ID of an
unreachable task" (src/master/validation.cpp, ``validateUniqueTaskID``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from agent_stream_support import (
    LIVE_STATES,
    FaultLab,
    NetnsFirewall,
    agent_running_task_names,
    checked_in_machine,
    dropped,
    ensure_nginx,
    firewall_name,
    machine_init_pids,
    master_flags,
    master_tasks,
    operator,
    parse_duration,
    registered_agents,
    require_fault_lab,
    wait_for,
)
from faults_lab import HaLab, boot_missing_machines, kill_machine
from faults_record import Rounds, repeat_count
from mesos_client import Event, FrameworkInfo, MesosError, MesosTimeout, SchedulerSession

from tests.modules.ansible_run import AnsibleRun, adhoc

pytestmark = pytest.mark.lab

FRAMEWORK_NAME = "faults-agent-loss"
FRAMEWORK_FAILOVER_TIMEOUT = 604800.0  # mesos_task's default
TASK_COMMAND = "exec sleep 3600"
MODULE_TIMEOUT = 240.0
REREGISTER_TIMEOUT = 90.0
CLEANUP_TIMEOUT = 30.0
SLACK = 2.0  # scheduling noise of a loaded 2-core host (a wait, not a bound)
# How late the master's FAILURE may come on a loaded 2-core host, beyond Mesos's own
# timing: generous, an upper bound only (the figures go to .cache/faults/agent-loss-*.json).
LATE_SLACK = 20.0


@dataclass
class Observation:
    """What one round saw; the tests below assert on these."""

    scenario: str
    name: str
    task_id: str
    framework_id: str
    lost_host: str
    lost_agent_id: str
    ping_timeout: float
    ping_budget: float
    updates: list[dict[str, Any]] = field(default_factory=list)
    failure_after: float | None = None
    fault_took: float = 0.0  # applying the fault (stopping a unit takes a while)
    listed_while_lost: list[tuple[str, str]] = field(default_factory=list)
    relaunch: dict[str, Any] = field(default_factory=dict)
    reregistered_after: float | None = None
    copies_on_return: dict[str, int] = field(default_factory=dict)
    after_return: dict[str, Any] = field(default_factory=dict)
    copies: dict[str, int] = field(default_factory=dict)
    leftovers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PingSettings:
    """The leading master's agent health-check flags."""

    timeout: float
    max_misses: int

    @property
    def budget(self) -> float:
        """agent_ping_timeout x max_agent_ping_timeouts."""
        return self.timeout * self.max_misses


# --- driving the module -------------------------------------------------------------------


def mesos_task(lab: FaultLab, name: str, state: str = "present") -> AnsibleRun:
    """``ansible localhost -m mesos_task`` against the lab, as a user runs it."""
    args: dict[str, Any] = {
        "name": name,
        "state": state,
        "master": lab.zk_url,
        "framework": {"name": FRAMEWORK_NAME},
        "offer_timeout": 60,
        "timeout": 90,
    }
    if state == "present":
        args |= {"command": TASK_COMMAND, "cpus": 0.05, "mem": 16, "settle": 0}
    return adhoc("mesos_task", args, timeout=MODULE_TIMEOUT)


def module_result(run: AnsibleRun) -> dict[str, Any]:
    """The module's result; fails the test with the run's output when the module failed."""
    result = run.result
    assert run.returncode == 0 and not result.get("failed"), run.describe()
    return result


# --- watching as the framework ------------------------------------------------------------


def observer(lab: FaultLab, framework_id: str) -> SchedulerSession:
    """A session subscribed as `mesos_task`'s framework (same FrameworkInfo), offers off."""
    framework = FrameworkInfo(
        user="root",
        name=FRAMEWORK_NAME,
        failover_timeout=FRAMEWORK_FAILOVER_TIMEOUT,
        checkpoint=True,
    )
    session = SchedulerSession(lab.zk_url, framework, framework_id=framework_id)
    try:
        session.subscribe(timeout=30)
        session.suppress()
    except MesosError:
        session.close()
        raise
    return session


Arrival = tuple[float, Event]


def watch(
    session: SchedulerSession, until: Callable[[list[Arrival]], bool], timeout: float
) -> list[Arrival]:
    """Every event (with its monotonic arrival time) until ``until(events)`` or ``timeout``."""
    seen: list[Arrival] = []
    deadline = time.monotonic() + timeout
    while not until(seen) and (remaining := deadline - time.monotonic()) > 0:
        try:
            event = session.next_event(remaining)
        except MesosTimeout:
            break
        seen.append((time.monotonic(), event))
    return seen


def is_agent_failure(event: Event, agent_id: str) -> bool:
    """The FAILURE event the master sends when it removes ``agent_id`` (no executor id)."""
    return (
        event.type == "FAILURE"
        and event.body.get("agent_id", {}).get("value") == agent_id
        and not event.body.get("executor_id")
    )


def task_updates(events: list[Arrival], task_id: str) -> list[dict[str, Any]]:
    """The statuses of ``task_id`` among ``events``."""
    return [
        e.status
        for _, e in events
        if e.type == "UPDATE" and e.status.get("task_id", {}).get("value") == task_id
    ]


# --- faults -------------------------------------------------------------------------------


@contextmanager
def partitioned(lab: FaultLab, host: str):
    """The agent ``host`` cannot exchange a packet with any master or ZooKeeper server."""
    peers = tuple(sorted({*lab.masters.values(), *lab.zookeepers.values()}))
    firewall = NetnsFirewall(machine_init_pids(lab)[host], firewall_name("agent"), peers)
    with dropped(firewall):
        yield
    assert not firewall.exists(), f"nft table {firewall.name} left in {lab.machine(host)}"


@contextmanager
def agent_unit_stopped(lab: FaultLab, host: str):
    """``mesos-agent.service`` is stopped on ``host`` for the ``with`` block."""
    try:
        checked_in_machine(lab, host, "systemctl stop mesos-agent")
        yield
    finally:
        checked_in_machine(lab, host, "systemctl start mesos-agent")


@contextmanager
def machine_killed(lab: FaultLab, host: str):
    """The agent's whole machine is powered off (SIGKILL to its init) for the ``with`` block;
    ``python -m lab up`` boots it again and systemd starts the (enabled) agent unit."""
    ha_lab = HA_LABS[lab.inventory]
    try:
        kill_machine(ha_lab, host)
        yield
    finally:
        boot_missing_machines(ha_lab)


FAULTS: dict[str, Callable[[FaultLab, str], AbstractContextManager[None]]] = {
    "partition": partitioned,
    "unit_stop": agent_unit_stopped,
    "machine_kill": machine_killed,
}
# conftest.py's HaLab by inventory, for faults_lab's machine helpers.
HA_LABS: dict[str, HaLab] = {}


# --- one round ----------------------------------------------------------------------------


def copies_of(lab: FaultLab, name: str, framework_id: str) -> dict[str, int]:
    """Live copies of the task ``name`` (any id): the master's view of the framework's tasks
    and what every agent itself runs."""
    listed = master_tasks(lab)
    counts = {
        "master_live": sum(
            t.get("name") == name
            and t["framework_id"]["value"] == framework_id
            and t.get("state") in LIVE_STATES
            for key in ("pending_tasks", "tasks")
            for t in listed[key]
        )
    }
    on_agents = {
        f"agent_{host}": agent_running_task_names(address).count(name)
        for host, address in lab.agents.items()
    }
    return counts | on_agents | {"agents_total": sum(on_agents.values())}


def where_listed(lab: FaultLab, task_id: str, framework_id: str) -> list[tuple[str, str]]:
    """(GET_TASKS list, state) of every entry the leader has for the framework's ``task_id``."""
    return [
        (key, str(t.get("state")))
        for key, entries in master_tasks(lab).items()
        for t in entries
        if t["task_id"]["value"] == task_id and t["framework_id"]["value"] == framework_id
    ]


def remove_framework(lab: FaultLab, framework_id: str, name: str) -> dict[str, int]:
    """TEARDOWN the round's framework; wait (bounded) until no agent runs its task ``name``.

    Returns how many copies still run per agent when the wait ran out (empty: clean).
    """
    with operator(lab) as client:
        try:
            client.teardown(framework_id)
        except MesosError as exc:
            if "No framework found" not in str(exc):
                raise

    def left() -> dict[str, int]:
        counts = {host: agent_running_task_names(ip).count(name) for host, ip in lab.agents.items()}
        return {host: count for host, count in counts.items() if count}

    try:
        wait_for(lambda: not left(), CLEANUP_TIMEOUT, "the round's tasks to end on every agent")
    except AssertionError:
        return left()
    return {}


def lose_and_relaunch(lab: FaultLab, seen: Observation, name: str) -> None:
    """Apply the fault, watch the framework's events, run mesos_task again; undo the fault."""
    session = observer(lab, seen.framework_id)
    try:
        applying = time.monotonic()
        with FAULTS[seen.scenario](lab, seen.lost_host):
            cut = time.monotonic()
            seen.fault_took = round(cut - applying, 2)
            events = watch(
                session,
                lambda items: (
                    any(is_agent_failure(e, seen.lost_agent_id) for _, e in items)
                    and bool(task_updates(items, seen.task_id))
                ),
                seen.ping_budget * 3 + 30,
            )
            failures = [t for t, e in events if is_agent_failure(e, seen.lost_agent_id)]
            seen.failure_after = round(failures[0] - cut, 2) if failures else None
            seen.updates = task_updates(events, seen.task_id)
            seen.listed_while_lost = where_listed(lab, seen.task_id, seen.framework_id)
            session.close()  # the module subscribes as this framework next
            again = module_result(mesos_task(lab, name))
            seen.relaunch = {
                "id": again["task"]["id"],
                "changed": again["changed"],
                "hostname": again["task"]["hostname"],
                "state": again["task"]["state"],
            }
    finally:
        session.close()


def run_round(lab: FaultLab, scenario: str, round_no: int, ping: PingSettings) -> Observation:
    """Launch, lose the agent, relaunch, bring the agent back, count copies, clean up."""
    name = f"agent-loss-{scenario.replace('_', '-')}-{round_no}"
    wait_for(
        lambda: len(registered_agents(lab)) == len(lab.agents),
        REREGISTER_TIMEOUT,
        "every agent to be registered and active",
    )
    first = module_result(mesos_task(lab, name))
    task = first["task"]
    assert first["changed"] and task["state"] == "TASK_RUNNING", first
    seen = Observation(
        scenario=scenario,
        name=name,
        task_id=task["id"],
        framework_id=first["framework_id"],
        lost_host=lab.agent_host_of(task["hostname"]),
        lost_agent_id=task["agent_id"],
        ping_timeout=ping.timeout,
        ping_budget=ping.budget,
    )
    try:
        lose_and_relaunch(lab, seen, name)
        healed = time.monotonic()
        wait_for(
            lambda: task["hostname"] in registered_agents(lab),
            REREGISTER_TIMEOUT,
            f"agent {task['hostname']} to re-register",
            interval=0.25,
        )
        seen.reregistered_after = round(time.monotonic() - healed, 2)
        # Let the returning agent's tasks be reconciled (one more ping budget) before counting.
        time.sleep(ping.budget + SLACK)
        seen.copies_on_return = copies_of(lab, name, seen.framework_id)
        fixed = module_result(mesos_task(lab, name))
        seen.after_return = {
            "changed": fixed["changed"],
            "killed_task_ids": fixed.get("killed_task_ids", []),
            "kept": fixed["task"]["id"],
        }
        seen.copies = copies_of(lab, name, seen.framework_id)
    finally:
        seen.leftovers = remove_framework(lab, seen.framework_id, name)
    return seen


def run_scenario(lab: FaultLab, scenario: str, ping: PingSettings) -> list[Observation]:
    """FAULTS_REPEAT rounds; numbers go to .cache/faults/agent-loss-<scenario>[-real].json."""
    mesos = HA_LABS[lab.inventory].mesos
    rounds = Rounds(f"agent-loss-{scenario.replace('_', '-')}", mesos=mesos)
    observations = []
    for round_no in range(1, repeat_count(mesos) + 1):
        started = time.monotonic()
        seen = run_round(lab, scenario, round_no, ping)
        observations.append(seen)
        rounds.add(
            lost_host=seen.lost_host,
            ping_budget_s=ping.budget,
            agent_removed_after_s=seen.failure_after,
            fault_took_s=seen.fault_took,
            task_updates=[f"{u.get('state')}/{u.get('reason')}" for u in seen.updates],
            listed_while_lost=[f"{key}/{state}" for key, state in seen.listed_while_lost],
            relaunched_on=seen.relaunch.get("hostname"),
            reregistered_after_s=seen.reregistered_after,
            copies_on_return=seen.copies_on_return,
            after_return=seen.after_return,
            copies=seen.copies,
            leftovers=seen.leftovers,
            round_s=round(time.monotonic() - started, 1),
        )
    return observations


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def agent_loss_lab(ha_lab: HaLab) -> FaultLab:
    """The HA lab, brought up and converged by conftest.py's ``ha_lab``."""
    HA_LABS[ha_lab.inventory] = ha_lab
    return require_fault_lab(ha_lab.inventory)


@pytest.fixture(scope="module")
def ping(agent_loss_lab: FaultLab) -> PingSettings:
    """The leading master's agent_ping_timeout and max_agent_ping_timeouts."""
    flags = master_flags(agent_loss_lab)
    return PingSettings(
        parse_duration(flags["agent_ping_timeout"]), int(flags["max_agent_ping_timeouts"])
    )


@pytest.fixture(scope="module")
def partition_rounds(agent_loss_lab: FaultLab, ping: PingSettings) -> list[Observation]:
    """Every round of the partition scenario."""
    return run_scenario(agent_loss_lab, "partition", ping)


@pytest.fixture(scope="module")
def unit_stop_rounds(agent_loss_lab: FaultLab, ping: PingSettings) -> list[Observation]:
    """Every round of the unit-stop scenario.

    mesos_sim kills an agent's tasks when the agent stops (its README: agent recovery is not
    simulated), so stopping the agent that runs site.yml's nginx kills nginx too; the nginx
    play of site.yml brings it back, as `make lab` would, for the suites that follow.
    """
    try:
        return run_scenario(agent_loss_lab, "unit_stop", ping)
    finally:
        ensure_nginx(agent_loss_lab)


@pytest.fixture(scope="module")
def machine_kill_rounds(agent_loss_lab: FaultLab, ping: PingSettings) -> list[Observation]:
    """Every round of the machine-kill scenario (nginx brought back as for unit_stop)."""
    try:
        return run_scenario(agent_loss_lab, "machine_kill", ping)
    finally:
        ensure_nginx(agent_loss_lab)


# --- assertions shared by both scenarios --------------------------------------------------


def assert_agent_removed_in_time(rounds: list[Observation]) -> None:
    """Mesos's SlaveObserver pings every agent_ping_timeout and removes the agent after
    max_agent_ping_timeouts unanswered pings (src/master/master.cpp, SlaveObserver::timeout).
    The first unanswered ping leaves within one ping period of the cut, so the agent goes no
    sooner than budget - agent_ping_timeout after it (counted from when the fault began to
    be applied: never early) and about budget + agent_ping_timeout at the latest; a loaded
    host only makes it later (LATE_SLACK; the figures are recorded, not asserted)."""
    for seen in rounds:
        assert seen.failure_after is not None, f"no FAILURE for the lost agent: {seen}"
        earliest = seen.ping_budget - seen.ping_timeout - seen.fault_took
        latest = seen.ping_budget + seen.ping_timeout + LATE_SLACK
        assert earliest <= seen.failure_after <= latest, (
            f"agent removed {seen.failure_after:.2f}s after it was lost; with "
            f"agent_ping_timeout {seen.ping_timeout:g}s x max_agent_ping_timeouts "
            f"= {seen.ping_budget:g}s Mesos removes it no sooner than {earliest:g}s after "
            f"(and by about {seen.ping_budget + seen.ping_timeout:g}s)"
        )


def assert_relaunched_elsewhere(rounds: list[Observation], lab: FaultLab) -> None:
    for seen in rounds:
        assert seen.relaunch["changed"] is True, seen
        assert seen.relaunch["state"] == "TASK_RUNNING", seen
        assert lab.agent_host_of(seen.relaunch["hostname"]) != seen.lost_host, seen


def assert_one_copy(rounds: list[Observation]) -> None:
    """After the agent's return, one `mesos_task` run leaves exactly one copy; it reports
    changed (and the ids it killed) exactly when more than one copy ran."""
    for seen in rounds:
        assert seen.copies["master_live"] == 1, seen.copies
        assert seen.copies["agents_total"] == 1, (
            f"{seen.scenario}: {seen.copies['agents_total']} copies of {seen.name} run "
            f"after agent {seen.lost_host} returned and mesos_task ran: {seen.copies}"
        )
        extra = seen.copies_on_return["master_live"] - 1
        assert seen.after_return["changed"] is (extra > 0), seen
        assert len(seen.after_return["killed_task_ids"]) == max(extra, 0), seen


def assert_clean(rounds: list[Observation]) -> None:
    for seen in rounds:
        assert not seen.leftovers, f"tasks still ran after TEARDOWN: {seen.leftovers}"


# --- partition ----------------------------------------------------------------------------


def test_partition_agent_removed_within_ping_timeouts(partition_rounds) -> None:
    assert_agent_removed_in_time(partition_rounds)


def test_partition_framework_receives_task_lost(partition_rounds) -> None:
    """Not PARTITION_AWARE: TASK_LOST, reason REASON_AGENT_REMOVED (v0: REASON_SLAVE_REMOVED)."""
    for seen in partition_rounds:
        states = [(u.get("state"), u.get("reason")) for u in seen.updates]
        assert states[:1] == [("TASK_LOST", "REASON_AGENT_REMOVED")], states


def test_partition_lost_task_listed_as_unreachable(partition_rounds) -> None:
    for seen in partition_rounds:
        assert seen.listed_while_lost == [("unreachable_tasks", "TASK_LOST")], (
            seen.listed_while_lost
        )


def test_partition_relaunch_lands_on_the_other_agent(partition_rounds, agent_loss_lab) -> None:
    """The relaunch uses a fresh task id, which Mesos 1.11 accepts while the old copy is
    unreachable (it refuses only a reused id; see the module docstring)."""
    assert_relaunched_elsewhere(partition_rounds, agent_loss_lab)
    for seen in partition_rounds:
        assert seen.relaunch["id"] != seen.task_id, seen


def test_partition_agent_reregisters_after_heal(partition_rounds) -> None:
    for seen in partition_rounds:
        assert seen.reregistered_after is not None, seen


def test_partition_heal_leaves_exactly_one_copy(partition_rounds) -> None:
    assert_one_copy(partition_rounds)


def test_partition_returned_copy_is_running_again(partition_rounds) -> None:
    """Master::__reregisterSlave re-adds the returning agent's task as running (MESOS-7215),
    so two copies run until `mesos_task` kills one."""
    for seen in partition_rounds:
        assert seen.copies_on_return["master_live"] == 2, seen.copies_on_return
        assert seen.after_return["changed"] is True, seen


def test_partition_cleanup_left_nothing(partition_rounds) -> None:
    assert_clean(partition_rounds)


# --- unit stop ----------------------------------------------------------------------------


def test_unit_stop_agent_removed_within_ping_timeouts(unit_stop_rounds) -> None:
    assert_agent_removed_in_time(unit_stop_rounds)


def test_unit_stop_framework_learns_the_task_is_gone(unit_stop_rounds) -> None:
    """mesos_sim kills tasks when the agent stops (TASK_KILLED); else TASK_LOST at removal."""
    for seen in unit_stop_rounds:
        states = [u.get("state") for u in seen.updates]
        assert states and states[0] in ("TASK_KILLED", "TASK_LOST"), states


def test_unit_stop_relaunch_lands_on_the_other_agent(unit_stop_rounds, agent_loss_lab) -> None:
    assert_relaunched_elsewhere(unit_stop_rounds, agent_loss_lab)


def test_unit_stop_agent_returns_and_one_copy_runs(unit_stop_rounds) -> None:
    for seen in unit_stop_rounds:
        assert seen.reregistered_after is not None, seen
    assert_one_copy(unit_stop_rounds)


def test_unit_stop_cleanup_left_nothing(unit_stop_rounds) -> None:
    assert_clean(unit_stop_rounds)


# --- machine kill -------------------------------------------------------------------------


def test_machine_kill_agent_removed_within_ping_timeouts(machine_kill_rounds) -> None:
    assert_agent_removed_in_time(machine_kill_rounds)


def test_machine_kill_framework_receives_task_lost(machine_kill_rounds) -> None:
    for seen in machine_kill_rounds:
        states = [(u.get("state"), u.get("reason")) for u in seen.updates]
        assert states[:1] == [("TASK_LOST", "REASON_AGENT_REMOVED")], states


def test_machine_kill_relaunch_lands_on_the_other_agent(
    machine_kill_rounds, agent_loss_lab
) -> None:
    assert_relaunched_elsewhere(machine_kill_rounds, agent_loss_lab)


def test_machine_kill_agent_returns_and_one_copy_runs(machine_kill_rounds) -> None:
    for seen in machine_kill_rounds:
        assert seen.reregistered_after is not None, seen
    assert_one_copy(machine_kill_rounds)


def test_machine_kill_cleanup_left_nothing(machine_kill_rounds) -> None:
    assert_clean(machine_kill_rounds)
