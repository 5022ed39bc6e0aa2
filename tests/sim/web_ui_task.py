"""A task named like the lab's nginx running on a simulated cluster, for the web UI tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tests.support.sim import SimCluster

from .scheduler import TestScheduler, command_task, launch_call


@contextlib.contextmanager
def running_task(
    cluster: SimCluster, name: str = "nginx", framework_name: str = "mesos-lab"
) -> Iterator[TestScheduler]:
    """Launch ``sleep 120`` as task ``name``; yield once it is TASK_RUNNING; then disconnect."""
    scheduler = TestScheduler(cluster.leader_url(), {"name": framework_name})
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        task = command_task(offer, name, "sleep 120")
        assert scheduler.call(launch_call(offer, [task])).status_code == 202
        scheduler.update(name, "TASK_RUNNING")
        yield scheduler
    finally:
        scheduler.close()
