"""Operator API ``POST /api/v1`` and the v0 JSON endpoints of master and agent."""

from __future__ import annotations

import requests

from tests.support.wait import wait_until

from .scheduler import TestScheduler, command_task, launch_call


def _call(url: str, kind: str, **extra: object) -> requests.Response:
    return requests.post(url + "/api/v1", json={"type": kind, **extra}, timeout=10)


def test_operator_calls_and_shapes(sim_cluster):
    url = sim_cluster.leader_url()
    scheduler = TestScheduler(url, {"failover_timeout": 60, "name": "op-test"})
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "op-task", "sleep 30")]))
        scheduler.update("op-task", "TASK_RUNNING")

        assert _call(url, "GET_HEALTH").json() == {
            "type": "GET_HEALTH",
            "get_health": {"healthy": True},
        }
        version = _call(url, "GET_VERSION").json()["get_version"]["version_info"]
        assert version["version"] == "1.11.0"
        assert version["build_user"] == "mesos_sim (simulator)"
        flags = {
            f["name"]: f["value"] for f in _call(url, "GET_FLAGS").json()["get_flags"]["flags"]
        }
        assert flags["allocation_interval"] == "200ms"
        assert flags["agent_ping_timeout"] == "15secs"

        agents = _call(url, "GET_AGENTS").json()["get_agents"]["agents"]
        assert len(agents) == 1
        info = agents[0]["agent_info"]
        assert info["attributes"] == [
            {"name": "rack", "type": "TEXT", "text": {"value": "r2d2"}},
            {"name": "pod", "type": "TEXT", "text": {"value": "demo,dev"}},
        ]
        assert {r["name"] for r in info["resources"]} >= {"cpus", "mem", "disk", "ports"}
        assert info["id"] == offer["agent_id"]
        assert agents[0]["active"] is True

        frameworks = _call(url, "GET_FRAMEWORKS").json()["get_frameworks"]["frameworks"]
        assert [f["framework_info"]["name"] for f in frameworks] == ["op-test"]
        assert frameworks[0]["connected"] is True
        assert frameworks[0]["framework_info"]["id"]["value"] == scheduler.framework_id

        tasks = _call(url, "GET_TASKS").json()["get_tasks"]["tasks"]
        assert tasks[0]["task_id"] == {"value": "op-task"}
        assert tasks[0]["state"] == "TASK_RUNNING"

        state = _call(url, "GET_STATE").json()["get_state"]
        assert set(state) == {"get_tasks", "get_executors", "get_frameworks", "get_agents"}
        master = _call(url, "GET_MASTER").json()["get_master"]["master_info"]
        assert master["port"] == sim_cluster.masters[0].port
        assert master["address"] == {
            "hostname": "127.0.0.1",
            "ip": "127.0.0.1",
            "port": master["port"],
        }

        v0 = requests.get(url + "/master/state", timeout=5).json()
        assert requests.get(url + "/state", timeout=5).json()["id"] == v0["id"]
        assert v0["leader"] == v0["pid"] == f"master@127.0.0.1:{master['port']}"
        assert v0["slaves"][0]["attributes"] == {"rack": "r2d2", "pod": "demo,dev"}
        assert "TASK_RUNNING" not in v0["frameworks"][0]  # counts are in state-summary only
        summary = requests.get(url + "/master/state-summary", timeout=5).json()
        assert summary["frameworks"][0]["TASK_RUNNING"] == 1
        assert summary["slaves"][0]["TASK_RUNNING"] == 1
        assert summary["slaves"][0]["framework_ids"] == [scheduler.framework_id]
        assert summary["frameworks"][0]["slave_ids"] == [offer["agent_id"]["value"]]
        metrics = requests.get(url + "/metrics/snapshot", timeout=5).json()
        assert metrics["master/elected"] == 1.0
        assert metrics["master/tasks_running"] == 1.0
        assert requests.get(url + "/version", timeout=5).json()["version"] == "1.11.0"
        health = requests.get(url + "/health", timeout=5)
        assert health.status_code == 200 and health.text == ""

        agent_url = sim_cluster.agent_url()
        agent_state = requests.get(agent_url + "/slave(1)/state", timeout=5).json()
        assert agent_state["id"] == offer["agent_id"]["value"]
        assert agent_state["attributes"] == {"rack": "r2d2", "pod": "demo,dev"}
        executor = agent_state["frameworks"][0]["executors"][0]
        assert executor["tasks"][0]["state"] == "TASK_RUNNING"
        assert requests.get(agent_url + "/state", timeout=5).json()["id"] == agent_state["id"]
        assert requests.get(agent_url + "/health", timeout=5).status_code == 200

        unknown = _call(url, "TEARDOWN", teardown={"framework_id": {"value": "nope"}})
        assert unknown.status_code == 400
        assert unknown.text == "No framework found with ID nope"
        missing = _call(url, "TEARDOWN")
        assert missing.status_code == 400
        assert missing.text == (
            "Failed to validate master::Call: Expecting 'teardown' to be present"
        )
        done = _call(url, "TEARDOWN", teardown={"framework_id": {"value": scheduler.framework_id}})
        assert done.status_code == 200
        scheduler.next_event("_CLOSED", timeout=10)

        def task_gone() -> bool:
            state = requests.get(agent_url + "/state", timeout=5).json()
            return not state["frameworks"]

        wait_until(task_gone, 10, 0.1, "the agent to kill the torn-down framework's task")
        completed = _call(url, "GET_FRAMEWORKS").json()["get_frameworks"]
        assert completed["frameworks"] == []
        assert completed["completed_frameworks"][0]["framework_info"]["name"] == "op-test"
    finally:
        scheduler.close()


def test_operator_endpoint_checks(sim_cluster):
    url = sim_cluster.leader_url()
    get = requests.get(url + "/api/v1", timeout=5)
    assert get.status_code == 405 and get.headers["Allow"] == "POST"
    assert requests.post(url + "/api/v1", data=b"{}", timeout=5).status_code == 400
    wrong = requests.post(
        url + "/api/v1", data=b"{}", timeout=5, headers={"Content-Type": "text/plain"}
    )
    assert wrong.status_code == 415
    no_type = requests.post(url + "/api/v1", json={}, timeout=5)
    assert no_type.text == "Failed to validate master::Call: Expecting 'type' to be present"
    not_acceptable = requests.post(
        url + "/api/v1", json={"type": "GET_HEALTH"}, timeout=5, headers={"Accept": "text/html"}
    )
    assert not_acceptable.status_code == 406


def test_agent_operator_api(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    agent_url = sim_cluster.agent_url()
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "on-agent", "sleep 30")]))
        scheduler.update("on-agent", "TASK_RUNNING")
        agent = _call(agent_url, "GET_AGENT").json()["get_agent"]["agent_info"]
        assert agent["id"] == offer["agent_id"]
        assert agent["attributes"] == offer["attributes"]
        tasks = _call(agent_url, "GET_TASKS").json()["get_tasks"]["launched_tasks"]
        assert [t["task_id"]["value"] for t in tasks] == ["on-agent"]
        assert tasks[0]["state"] == "TASK_RUNNING"
        state = _call(agent_url, "GET_STATE").json()["get_state"]
        framework = state["get_frameworks"]["frameworks"][0]["framework_info"]
        assert framework["id"]["value"] == scheduler.framework_id
        assert state["get_executors"]["executors"][0]["executor_info"]["executor_id"] == {
            "value": "on-agent"
        }
        assert _call(agent_url, "GET_HEALTH").json()["get_health"] == {"healthy": True}
        assert requests.get(agent_url + "/api/v1", timeout=5).status_code == 405
        unknown = _call(agent_url, "PRUNE_IMAGES")
        assert unknown.status_code == 501
    finally:
        scheduler.close()
