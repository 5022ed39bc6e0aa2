"""The "container images" scenario: every case of tests/sim/container_cases.py (MESOS images,
volumes, a DockerInfo; refused by the JSON conversion, the master or the agent), then the
master's record of the refused nginx image task."""

from __future__ import annotations

import requests

from tests.sim.container_cases import CASES, answer, launch_case
from tests.sim.scheduler import TestScheduler

from .record import Step

TIMEOUT = 10


def container_flow(url: str) -> list[Step]:
    """One step per case: the ACCEPT's answer, the first update's shape and its state,
    reason, source and message."""
    steps: list[Step] = []
    scheduler = TestScheduler(url, {"name": "conformance-containers"})
    try:
        for index, case in enumerate(CASES):
            task_id = f"container-{index}"
            response, first = launch_case(scheduler, case, task_id)
            step = Step(f"container: {case.name}")
            step.take_response(response)
            if first is not None:
                step.take_json(first, "status.")
                step.facts.update(
                    zip(("state", "reason", "source", "message"), answer(first), strict=True)
                )
            steps.append(step)
        steps.append(_master_task(url, "container-0"))
        teardown = Step("container: TEARDOWN")
        teardown.take_response(scheduler.call({"type": "TEARDOWN"}))
        steps.append(teardown)
    finally:
        scheduler.close()
    return steps


def _master_task(url: str, task_id: str) -> Step:
    step = Step("container: /master/tasks entry of the refused image task")
    response = requests.get(url + "/master/tasks", params={"task_id": task_id}, timeout=TIMEOUT)
    step.status = response.status_code
    tasks = response.json()["tasks"]
    step.take_json(tasks)
    step.facts["states"] = [t["state"] for t in tasks]
    step.facts["containers"] = [t.get("container") for t in tasks]
    return step
