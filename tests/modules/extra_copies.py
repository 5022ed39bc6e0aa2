"""Launch tasks named like a `mesos_task` task, as its own framework, through the client.

This is how a second live copy honestly comes about in a one-process test: the same framework
(same id) LAUNCHes another task with the same TaskInfo name and an id of its own, as the
module's earlier launch on an agent that was unreachable and came back would look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from mesos_client import (
    Event,
    FrameworkInfo,
    MesosTimeout,
    OfferMatch,
    ResourceRequest,
    SchedulerSession,
    command_task,
    match_offer,
)

FRAMEWORK_NAME = "mesos-lab"  # mesos_task's default framework
WAIT = 20.0
TERMINAL = {"TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR"}


@contextmanager
def framework_session(
    master: str, framework_id: str, acknowledge: bool = True
) -> Iterator[SchedulerSession]:
    """A session subscribed as the module's framework ``framework_id``; offers revived."""
    framework = FrameworkInfo(
        user="root", name=FRAMEWORK_NAME, failover_timeout=604800.0, checkpoint=True
    )
    session = SchedulerSession(
        master, framework, framework_id=framework_id, auto_acknowledge=acknowledge
    )
    try:
        session.subscribe(timeout=WAIT)
        session.revive()
        yield session
    finally:
        session.close()


def launch_named(
    session: SchedulerSession,
    name: str,
    task_id: str,
    command: str,
    *,
    wait: bool = True,
    on_skip: Callable[[Event], None] | None = None,
) -> str | None:
    """LAUNCH ``command`` as task ``task_id`` named ``name`` on the first offer that fits;
    with ``wait``, wait for TASK_RUNNING or a terminal UPDATE and return its state.
    Events passed over while waiting for the offer go to ``on_skip``."""
    request = ResourceRequest(cpus=0.05, mem=16, disk=0, ports=1)
    offers = session.wait_for("OFFERS", WAIT, on_skip=on_skip).offers
    matches = [
        m for m in (match_offer(o, request, []) for o in offers) if isinstance(m, OfferMatch)
    ]
    assert matches, f"no offer fits {request}: {offers}"
    match = matches[0]
    session.launch([match.offer_id], [command_task(match, name, command, task_id=task_id)], 1.0)
    if not wait:
        return None
    update = session.wait_for(
        "UPDATE",
        WAIT,
        lambda e: (
            e.status["task_id"]["value"] == task_id
            and e.status["state"] in TERMINAL | {"TASK_RUNNING"}
        ),
    )
    return update.status["state"]


class TerminalHolder:
    """For a session that does not acknowledge by itself: acknowledges every UPDATE but a
    terminal one, and notes which tasks sent their terminal update (left unacknowledged).

    Updates of a task are delivered in order, each after the one before was acknowledged, so
    this is how a dead task with an unacknowledged terminal update comes about.
    """

    def __init__(self, session: SchedulerSession) -> None:
        self.session = session
        self.terminal: set[str] = set()

    def handle(self, event: Event) -> None:
        """Acknowledge or hold one event (non-UPDATE events are ignored)."""
        if event.type != "UPDATE":
            return
        status = event.status
        if status["state"] in TERMINAL:
            self.terminal.add(status["task_id"]["value"])
        elif status.get("uuid"):
            self.session.acknowledge(
                status["agent_id"]["value"], status["task_id"]["value"], status["uuid"]
            )

    def wait(self, task_ids: set[str]) -> None:
        """Handle updates until each of ``task_ids`` sent its terminal one (bounded)."""
        for _ in range(100):
            if task_ids <= self.terminal:
                return
            try:
                self.handle(self.session.wait_for("UPDATE", WAIT))
            except MesosTimeout:
                break
        assert task_ids <= self.terminal, f"no terminal update for {task_ids - self.terminal}"
