"""mesos_sim answers each ContainerInfo case of container_cases.py as real Mesos does: the
master's JSON conversion (400) and validation (TASK_ERROR), the agent's refusals (TASK_FAILED
from SOURCE_AGENT, without a container status) and a MESOS container without an image that
runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.support.sim import SimCluster

from .container_cases import CASES, ContainerCase, answer, launch_case
from .scheduler import TestScheduler


@pytest.fixture(scope="module")
def scheduler() -> Iterator[TestScheduler]:
    """One framework on one simulator (master and agent) for all the cases."""
    cluster = SimCluster()
    cluster.start()
    try:
        cluster.wait_for_agents()
        framework = TestScheduler(cluster.master_url(), {"name": "containers"})
        try:
            yield framework
        finally:
            framework.close()
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        cluster.stop()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_container_case_answers_like_real_mesos(scheduler: TestScheduler, case: ContainerCase):
    task_id = f"container-{uuid.uuid4().hex[:8]}"
    response, first = launch_case(scheduler, case, task_id)
    assert (response.status_code, response.text) == (case.status, case.body)
    if case.update is None:
        assert first is None
        return
    assert first is not None
    assert answer(first) == case.update
    assert ("uuid" in first) == (case.update[2] != "SOURCE_MASTER")
    if case.update[2] == "SOURCE_AGENT":
        # The container never existed: no container status (Slave::_statusUpdate).
        assert "container_status" not in first
        assert first["executor_id"] == {"value": task_id}


def test_refused_image_task_is_failed_in_the_masters_state(scheduler: TestScheduler):
    """The master keeps the refused task as TASK_FAILED, with the container it was given."""
    case = CASES[0]
    task_id = f"image-{uuid.uuid4().hex[:8]}"
    launch_case(scheduler, case, task_id)
    tasks = requests.get(
        scheduler.master_url + "/master/tasks", params={"task_id": task_id}, timeout=10
    ).json()["tasks"]
    assert [(t["id"], t["state"]) for t in tasks] == [(task_id, "TASK_FAILED")]
    assert tasks[0]["container"]["mesos"]["image"] == case.container["mesos"]["image"]
