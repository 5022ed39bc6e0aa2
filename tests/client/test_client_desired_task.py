"""The task engine from Python, against mesos_sim and real Mesos (a master and an agent on
loopback): the README's "one copy of nginx" case (plan, launch, rerun keeps it, absent kills
it), and a task no agent fits fails with one line per agent while the result keeps every
refused offer."""

from __future__ import annotations

import pytest
from mesos_client import DesiredTask, TaskFailure, master_access, task_spec

COMMAND = "exec python3 -m http.server --bind 127.0.0.1 $PORT0"


def _access(cluster):
    return master_access({"master": cluster.master_url(), "timeout": 20}, {})


def test_one_copy_plan_launch_keep_kill(mesos) -> None:
    access = _access(mesos)
    spec = task_spec("web", command=COMMAND, ports=1, constraints={"rack": "r2d2"})

    plan = DesiredTask(access, spec, check_mode=True).ensure()
    assert plan["changed"] and plan["msg"].startswith("would launch task web as web.")
    assert plan["matching_agents"], plan

    launched = DesiredTask(access, spec).ensure()
    assert launched["changed"] and launched["task"]["state"] == "TASK_RUNNING", launched
    assert len(launched["task"]["ports"]) == 1

    again = DesiredTask(access, spec).ensure()
    assert not again["changed"], again
    assert again["task"]["id"] == launched["task"]["id"]
    assert "nothing to do" in again["msg"]

    gone = DesiredTask(access, dict(spec, state="absent")).ensure()
    assert gone["changed"] and gone["killed_task_ids"] == [launched["task"]["id"]], gone
    assert DesiredTask(access, dict(spec, state="absent")).ensure()["changed"] is False


def test_no_fitting_offer_reads_per_agent(mesos) -> None:
    access = _access(mesos)
    spec = task_spec("big", command="sleep 60", mem=10**7, offer_timeout=3.5)
    with pytest.raises(TaskFailure) as failure:
        DesiredTask(access, spec).ensure()
    message = str(failure.value)
    offers = failure.value.details["offers"]
    assert len(offers) >= 2, offers  # offers keep coming back while the engine waits
    (line,) = message.split("offers seen: ")[1].split("; ")
    assert f"({len(offers)} offer(s))" in line and "not enough mem" in line, message


def test_unknown_option_is_refused() -> None:
    with pytest.raises(TaskFailure, match="unknown task option"):
        task_spec("web", comand="true")
