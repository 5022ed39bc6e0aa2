"""End to end over plain requests: a master and an agent process, a scheduler that gets the
seed's attributes in its offer, runs ``python3 -m http.server`` on an offered port, reaches it,
kills it, acknowledges, reconciles and declines with filters."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import requests

from tests.support.wait import wait_until

from .scheduler import (
    TestScheduler,
    command_task,
    launch_call,
    offered_ports,
    ports,
    read_records,
)


def _attributes(offer: dict) -> dict:
    return {a["name"]: (a["type"], a.get("text", {}).get("value")) for a in offer["attributes"]}


def test_offer_carries_seed_attributes_and_resources(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        assert _attributes(offer) == {"rack": ("TEXT", "r2d2"), "pod": ("TEXT", "demo,dev")}
        names = {r["name"] for r in offer["resources"]}
        assert {"cpus", "mem", "disk", "ports"} <= names
        assert offered_ports(offer) == [(31000, 32000)]
        assert offer["hostname"] == "127.0.0.1"
        assert offer["framework_id"]["value"] == scheduler.framework_id
    finally:
        scheduler.close()


def test_http_server_task_runs_is_reachable_and_is_killed(sim_cluster):
    scheduler = TestScheduler(
        sim_cluster.leader_url(), {"capabilities": [{"type": "TASK_KILLING_STATE"}]}
    )
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        begin, end = offered_ports(offer)[0]
        port = begin + 7
        assert port <= end
        task = command_task(
            offer,
            "web-1",
            f"exec {sys.executable} -m http.server {port} --bind 127.0.0.1",
            extra=[ports(port, port)],
            kill_policy={"grace_period": {"nanoseconds": 2_000_000_000}},
        )
        assert scheduler.call(launch_call(offer, [task])).status_code == 202
        running = scheduler.update("web-1", "TASK_RUNNING")
        assert running["source"] == "SOURCE_EXECUTOR"
        assert running["agent_id"] == offer["agent_id"]

        def served() -> bool:
            return requests.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200

        wait_until(served, 15, 0.1, f"http.server on port {port}")

        assert (
            scheduler.call({"type": "KILL", "kill": {"task_id": {"value": "web-1"}}}).status_code
            == 202
        )
        scheduler.update("web-1", "TASK_KILLING")
        killed = scheduler.update("web-1", "TASK_KILLED")
        assert killed["message"] == "Command terminated with signal Terminated"

        def closed() -> bool:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=1)
            except requests.ConnectionError:
                return True
            return False

        wait_until(closed, 10, 0.1, "the killed http.server to stop listening")
        # A terminal update that was acknowledged removes the task: reconciling it now
        # answers TASK_LOST "unknown to the agent" (the framework is not partition-aware).
        scheduler.call(
            {
                "type": "RECONCILE",
                "reconcile": {
                    "tasks": [{"task_id": {"value": "web-1"}, "agent_id": offer["agent_id"]}]
                },
            }
        )
        answer = scheduler.update("web-1", "TASK_LOST")
        assert answer["reason"] == "REASON_RECONCILIATION"
        assert "uuid" not in answer
    finally:
        scheduler.close()


def test_task_exit_codes_sandbox_and_environment(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        ok = command_task(
            offer,
            "ok",
            'test "$(pwd)" = "$MESOS_SANDBOX" && echo '
            '"$MESOS_TASK_ID $MESOS_FRAMEWORK_ID $GREETING $MESOS_AGENT_ENDPOINT"',
        )
        ok["command"]["environment"] = {"variables": [{"name": "GREETING", "value": "hello"}]}
        tasks = [ok, command_task(offer, "bad", "exit 3")]
        scheduler.call(launch_call(offer, tasks))
        finished = scheduler.update("ok", "TASK_FINISHED")
        assert finished["message"] == "Command exited with status 0"
        failed = scheduler.update("bad", "TASK_FAILED")
        assert failed["message"] == "Command exited with status 3"
        state = requests.get(sim_cluster.agent_url() + "/slave(1)/state", timeout=5).json()
        assert state["attributes"] == {"rack": "r2d2", "pod": "demo,dev"}
        stdout = wait_until(lambda: _sandbox_stdout(sim_cluster, "ok"), 10, 0.1, "stdout")
        agent_endpoint = sim_cluster.agents[0].address
        assert stdout.strip() == f"ok {scheduler.framework_id} hello {agent_endpoint}"
    finally:
        scheduler.close()


def _sandbox_stdout(cluster, task_id: str) -> str | None:
    work_dir = cluster.agents[0].flags["work_dir"]
    found = list(Path(work_dir).glob(f"slaves/*/frameworks/*/executors/{task_id}/runs/*/stdout"))
    return found[0].read_text() if found and found[0].read_text() else None


def test_unacknowledged_update_is_resent_and_implicit_reconcile(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(launch_call(offer, [command_task(offer, "sleeper", "sleep 30")]))
        starting = scheduler.update("sleeper", "TASK_STARTING", acknowledge=False)
        again = scheduler.update("sleeper", "TASK_STARTING", timeout=10, acknowledge=False)
        assert again["uuid"] == starting["uuid"]
        scheduler.acknowledge(again)
        scheduler.update("sleeper", "TASK_RUNNING")
        scheduler.call({"type": "RECONCILE", "reconcile": {"tasks": []}})
        answer = scheduler.next_event(
            "UPDATE", where=lambda e: e["update"]["status"].get("reason") == "REASON_RECONCILIATION"
        )["update"]["status"]
        assert answer["state"] == "TASK_RUNNING"
        assert answer["message"] == "Reconciliation: Latest task state"
        assert "uuid" not in answer
        tasks = requests.post(
            sim_cluster.leader_url() + "/api/v1", json={"type": "GET_TASKS"}, timeout=5
        ).json()["get_tasks"]["tasks"]
        assert [t["task_id"]["value"] for t in tasks] == ["sleeper"]
        assert tasks[0]["state"] == "TASK_RUNNING"
    finally:
        scheduler.close()


def test_kill_of_unknown_task_answers_with_reconciliation(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    try:
        scheduler.call({"type": "KILL", "kill": {"task_id": {"value": "ghost"}}})
        status = scheduler.update("ghost", "TASK_LOST")
        assert status["reason"] == "REASON_RECONCILIATION"
        assert status["source"] == "SOURCE_MASTER"
    finally:
        scheduler.close()


def test_decline_with_refuse_seconds_and_revive(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        scheduler.call(
            {
                "type": "DECLINE",
                "decline": {"offer_ids": [offer["id"]], "filters": {"refuse_seconds": 3600}},
            }
        )
        scheduler.call({"type": "REVIVE"})
        again = scheduler.next_event("OFFERS", timeout=10)["offers"]["offers"][0]
        assert again["id"] != offer["id"]
        scheduler.call(
            {
                "type": "DECLINE",
                "decline": {"offer_ids": [again["id"]], "filters": {"refuse_seconds": 3600}},
            }
        )
        # Filtered for an hour: heartbeats arrive but no offer does for a while.
        for _ in range(4):
            assert scheduler.next_event(None, timeout=5)["type"] == "HEARTBEAT"
    finally:
        scheduler.close()


def test_invalid_launches_get_task_error_or_lost_without_uuid(sim_cluster):
    scheduler = TestScheduler(sim_cluster.leader_url())
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        end = offered_ports(offer)[0][1]
        too_big = command_task(offer, "too-big", "true", cpus=10_000)
        outside = command_task(offer, "outside", "true", extra=[ports(end + 1, end + 1)])
        both = command_task(
            offer,
            "both",
            "true",
            executor={"executor_id": {"value": "e"}, "command": {"value": "true"}},
        )
        none = command_task(offer, "none", "true")
        del none["command"]
        docker = command_task(
            offer, "docker", "true", container={"type": "DOCKER", "docker": {"image": "nginx"}}
        )
        dup = [command_task(offer, "dup", "sleep 5"), command_task(offer, "dup", "sleep 5")]
        scheduler.call(launch_call(offer, [too_big, outside, both, none, docker, *dup]))
        errors = {}
        for task_id in ("too-big", "outside", "both", "none"):
            status = scheduler.update(task_id, "TASK_ERROR")
            assert "uuid" not in status
            assert status["reason"] == "REASON_TASK_INVALID"
            errors[task_id] = status["message"]
        assert errors["too-big"].startswith("Total resources cpus(allocated: *):10000")
        assert "is more than available" in errors["outside"]
        assert errors["both"] == (
            "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present"
        )
        assert errors["none"] == errors["both"]
        failed = scheduler.update("docker", "TASK_FAILED")
        assert failed["reason"] == "REASON_EXECUTOR_TERMINATED"
        assert failed["message"] == "Abnormal executor termination: unknown container"
        assert scheduler.update("dup", "TASK_ERROR")["message"] == "Task has duplicate ID: dup"
        # The offer is gone now: accepting it again is a launch with invalid offers.
        scheduler.call(launch_call(offer, [command_task(offer, "late", "true")]))
        lost = scheduler.update("late", "TASK_LOST")
        assert lost["reason"] == "REASON_INVALID_OFFERS"
        assert lost["message"] == (
            f"Task launched with invalid offers: Offer {offer['id']['value']} is no longer valid"
        )
    finally:
        scheduler.close()


def test_failover_timeout_zero_tears_down_on_disconnect(sim_cluster):
    url = sim_cluster.leader_url()
    scheduler = TestScheduler(url)
    offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
    scheduler.call(launch_call(offer, [command_task(offer, "doomed", "sleep 60")]))
    scheduler.update("doomed", "TASK_RUNNING")
    scheduler.close()

    def torn_down() -> bool:
        state = requests.get(url + "/master/state", timeout=5).json()
        completed = [f["id"] for f in state["completed_frameworks"]]
        return not state["frameworks"] and scheduler.framework_id in completed

    wait_until(torn_down, 10, 0.1, "the framework to be torn down")

    def agent_idle() -> bool:
        return not requests.get(sim_cluster.agent_url() + "/state", timeout=5).json()["frameworks"]

    wait_until(agent_idle, 10, 0.1, "the agent to kill the framework's task")
    again = requests.post(
        url + "/api/v1/scheduler",
        json={
            "type": "SUBSCRIBE",
            "framework_id": {"value": scheduler.framework_id},
            "subscribe": {
                "framework_info": {
                    "user": "root",
                    "name": "x",
                    "id": {"value": scheduler.framework_id},
                }
            },
        },
        stream=True,
        timeout=10,
    )
    try:
        assert again.status_code == 200
        records = _first_records(again, 1)
        assert records[0] == {"type": "ERROR", "error": {"message": "Framework has been removed"}}
    finally:
        again.close()


def _first_records(response, count: int) -> list[dict]:
    records = []
    for record in read_records(response.raw):
        records.append(json.loads(record))
        if len(records) == count:
            break
    return records


def test_failover_with_framework_id_closes_old_stream(sim_cluster):
    url = sim_cluster.leader_url()
    first = TestScheduler(url, {"failover_timeout": 60})
    second = TestScheduler(url, {"failover_timeout": 60}, framework_id=first.framework_id)
    try:
        error = first.next_event("ERROR")
        assert error["error"]["message"] == "Framework failed over"
        first.next_event("_CLOSED")
        assert second.framework_id == first.framework_id
        assert first.call({"type": "REVIVE"}).status_code == 400  # old stream id
        assert second.call({"type": "REVIVE"}).status_code == 202
    finally:
        first.close()
        second.close()


def _scalar(resources: list[dict], name: str) -> float:
    return sum(r["scalar"]["value"] for r in resources if r["name"] == name)


def test_task_resources_are_held_while_running_and_returned(sim_cluster_factory):
    cluster = sim_cluster_factory(resources="cpus:1;mem:128;disk:100;ports:[31000-31010]")
    cluster.wait_for_agents()
    url = cluster.leader_url()
    scheduler = TestScheduler(url)
    try:
        offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
        assert _scalar(offer["resources"], "cpus") == 1.0
        task = command_task(offer, "hog", "sleep 2", cpus=1, mem=128)
        scheduler.call(launch_call(offer, [task], refuse_seconds=0))
        scheduler.update("hog", "TASK_RUNNING")
        agent = requests.post(url + "/api/v1", json={"type": "GET_AGENTS"}, timeout=5).json()[
            "get_agents"
        ]["agents"][0]
        assert _scalar(agent["allocated_resources"], "cpus") == 1.0
        assert _scalar(agent["allocated_resources"], "mem") == 128.0
        scheduler.update("hog", "TASK_FINISHED", timeout=20)
        again = scheduler.next_event("OFFERS", timeout=15)["offers"]["offers"][0]
        assert _scalar(again["resources"], "cpus") == 1.0
        assert _scalar(again["resources"], "mem") == 128.0
        # Nothing was offered while the task held every cpu and all memory.
        offers_seen = [e for e in scheduler.seen if e["type"] == "OFFERS"]
        assert len(offers_seen) == 2
    finally:
        scheduler.close()
