"""mesos_info, mesos_offer_info and mesos_framework against mesos_sim and real Mesos."""

from __future__ import annotations

from .ansible_run import adhoc, ok
from .cluster_checks import frameworks_named


def test_mesos_info_reads_the_cluster(any_master) -> None:
    master = any_master
    result = ok(adhoc("mesos_info", {"master": master}))
    assert result["changed"] is False
    assert result["healthy"] is True
    assert result["master"] == master
    assert "simulator" in str(result["version"]) or result["version"].get("version")
    (agent,) = result["agents"]
    assert agent["hostname"] == "127.0.0.1" and agent["active"] is True
    assert agent["attributes"] == {"rack": "r2d2", "pod": "demo,dev"}
    assert agent["resources"]["cpus"] == 2
    assert result["summary"]["active_agents"] == 1
    assert result["frameworks"] == [] and result["tasks"] == []


def test_mesos_info_lists_frameworks_and_tasks(any_master) -> None:
    master = any_master
    ok(adhoc("mesos_task", {"name": "sleeper", "command": "exec sleep 300", "master": master}))
    result = ok(adhoc("mesos_info", {"master": master}, check=True))
    (framework,) = result["frameworks"]
    assert framework["name"] == "mesos-lab" and framework["completed"] is False
    (task,) = result["tasks"]
    assert task["name"] == "sleeper" and task["id"].startswith("sleeper.")
    assert task["state"] == "TASK_RUNNING"
    assert task["hostname"] == "127.0.0.1" and task["framework_id"] == framework["id"]
    assert result["summary"]["tasks"] == {"TASK_RUNNING": 1}


def test_mesos_offer_info_returns_offers_and_cleans_up(any_master, operator_factory) -> None:
    master = any_master
    result = ok(adhoc("mesos_offer_info", {"master": master, "timeout": 10}))
    assert result["changed"] is False
    (offer,) = result["offers"]
    assert offer["hostname"] == "127.0.0.1"
    assert offer["attributes"] == {"rack": "r2d2", "pod": "demo,dev"}
    assert offer["resources"]["cpus"] == 2 and offer["resources"]["mem"] == 1024
    assert len(offer["resources"]["ports"]) == 4
    assert all(begin == end for begin, end in offer["resources"]["ports"])
    # The short-lived framework is gone again.
    assert not frameworks_named(operator_factory(master), "mesos-lab-offer-info")


def test_mesos_offer_info_in_check_mode(shared_master) -> None:
    master = shared_master
    result = ok(adhoc("mesos_offer_info", {"master": master, "timeout": 10}, check=True))
    assert len(result["offers"]) == 1


def test_mesos_framework_present_is_idempotent_and_absent_tears_down(any_master, operator_factory):
    master = any_master
    operator = operator_factory(master)
    args = {"name": "fw-test", "master": master}

    planned = ok(adhoc("mesos_framework", args, check=True))
    assert planned["changed"] is True and planned["framework_id"] is None
    assert not frameworks_named(operator, "fw-test")

    created = ok(adhoc("mesos_framework", args))
    assert created["changed"] is True and created["changes"] == ["new"]
    (framework,) = frameworks_named(operator, "fw-test")
    assert framework["framework_info"]["id"]["value"] == created["framework_id"]

    again = ok(adhoc("mesos_framework", args))
    assert again["changed"] is False and again["framework_id"] == created["framework_id"]

    updated = ok(adhoc("mesos_framework", dict(args, failover_timeout=3600)))
    assert updated["changed"] is True and updated["changes"] == ["failover_timeout"]
    assert updated["framework_id"] == created["framework_id"]
    (framework,) = frameworks_named(operator, "fw-test")
    assert framework["framework_info"]["failover_timeout"] == 3600

    kept = ok(adhoc("mesos_framework", dict(args, state="absent"), check=True))
    assert kept["changed"] is True and frameworks_named(operator, "fw-test")

    removed = ok(adhoc("mesos_framework", dict(args, state="absent")))
    assert removed["torn_down"] == [created["framework_id"]]
    assert not frameworks_named(operator, "fw-test")
    assert ok(adhoc("mesos_framework", dict(args, state="absent")))["changed"] is False


def test_mesos_framework_absent_by_id_kills_its_tasks(any_master, operator_factory) -> None:
    master = any_master
    launched = ok(
        adhoc("mesos_task", {"name": "doomed", "command": "exec sleep 300", "master": master})
    )
    framework_id = launched["framework_id"]
    removed = ok(
        adhoc(
            "mesos_framework", {"framework_id": framework_id, "state": "absent", "master": master}
        )
    )
    assert removed["torn_down"] == [framework_id]
    states = {t["state"] for t in operator_factory(master).get_tasks() if t["name"] == "doomed"}
    assert states and not states & {"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"}
