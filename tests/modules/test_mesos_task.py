"""mesos_task against real mesos_sim processes, through real `ansible localhost -m` runs."""

from __future__ import annotations

import os
import re
import signal
import tempfile
from pathlib import Path

import pytest

from tests.support.ports import free_port
from tests.support.sim import SimCluster
from tests.support.wait import wait_until

from .ansible_run import adhoc, ok
from .cluster_checks import (
    frameworks_named,
    http_body,
    live_tasks,
    tasks_named,
    wait_for_task_state,
)
from .extra_copies import TerminalHolder, framework_session, launch_named

WEB = "exec python3 -m http.server --bind 127.0.0.1 $PORT0"


def web_args(master: str, **extra) -> dict:
    args = {
        "name": "web",
        "command": WEB,
        "ports": 1,
        "constraints": {"rack": "r2d2", "pod": "dev"},
        "master": master,
        "timeout": 30,
        "offer_timeout": 15,
    }
    args.update(extra)
    return args


def test_launch_is_idempotent_and_absent_kills(any_master, operator_factory) -> None:
    master = any_master
    operator = operator_factory(master)

    first = ok(adhoc("mesos_task", web_args(master)))
    assert first["changed"] is True
    task = first["task"]
    assert task["id"].startswith("web.") and task["state"] == "TASK_RUNNING"
    assert task["hostname"] == "127.0.0.1" and len(task["ports"]) == 1
    assert task["framework_id"] == first["framework_id"]
    assert http_body(f"http://127.0.0.1:{task['ports'][0]}/")

    second = ok(adhoc("mesos_task", web_args(master)))
    assert second["changed"] is False
    assert second["task"]["ports"] == task["ports"]
    assert second["task"]["agent_id"] == task["agent_id"]
    assert second["framework_id"] == first["framework_id"]
    assert len(live_tasks(operator, "web")) == 1, "a second run started another task"
    # The framework outlives the runs (failover_timeout), and there is only one of it.
    (framework,) = frameworks_named(operator, "mesos-lab")
    assert framework["framework_info"]["id"]["value"] == first["framework_id"]
    assert framework["framework_info"]["failover_timeout"] == 604800

    gone = ok(adhoc("mesos_task", {"name": "web", "state": "absent", "master": master}))
    assert gone["changed"] is True
    assert gone["task"]["state"] == "TASK_KILLED"
    assert not live_tasks(operator, "web")

    again = ok(adhoc("mesos_task", {"name": "web", "state": "absent", "master": master}))
    assert again["changed"] is False and again["task"] == {}
    # Killing the task did not tear the framework down.
    assert frameworks_named(operator, "mesos-lab")


def test_task_outlives_the_module_run(any_master, operator_factory) -> None:
    master = any_master
    operator = operator_factory(master)
    task = ok(adhoc("mesos_task", web_args(master)))["task"]
    # The module has exited; its framework is disconnected but the task keeps running.
    (framework,) = frameworks_named(operator, "mesos-lab")
    assert framework.get("connected") is not True
    assert [t["state"] for t in live_tasks(operator, "web")] == ["TASK_RUNNING"]
    assert http_body(f"http://127.0.0.1:{task['ports'][0]}/")
    # A failed run as a framework that existed before leaves it (and its task) alone.
    other = web_args(master, name="other", constraints={"rack": "r9"}, offer_timeout=2)
    assert adhoc("mesos_task", other).result.get("failed")
    assert [f["framework_info"]["id"] for f in frameworks_named(operator, "mesos-lab")] == [
        framework["framework_info"]["id"]
    ]
    assert [t["state"] for t in live_tasks(operator, "web")] == ["TASK_RUNNING"]


def test_relaunch_after_the_task_died(any_master, operator_factory) -> None:
    master = any_master
    operator = operator_factory(master)
    with tempfile.TemporaryDirectory() as scratch:
        pid_file = Path(scratch) / "pid"
        command = f"echo $$ > {pid_file}; {WEB}"
        first = ok(adhoc("mesos_task", web_args(master, command=command)))
        pid = int(wait_until(lambda: pid_file.read_text().strip(), 10, what="the task's pid"))
        os.kill(pid, signal.SIGKILL)  # the process this test launched through Mesos
        wait_for_task_state(operator, "web", {"TASK_FAILED"})

        second = ok(adhoc("mesos_task", web_args(master, command=command)))
        assert second["changed"] is True
        assert second["task"]["state"] == "TASK_RUNNING"
        assert second["framework_id"] == first["framework_id"]
        assert second["task"]["id"] != first["task"]["id"], "a new copy needs an id of its own"
        assert http_body(f"http://127.0.0.1:{second['task']['ports'][0]}/")
        assert len(live_tasks(operator, "web")) == 1
        ok(adhoc("mesos_task", {"name": "web", "state": "absent", "master": master}))


def test_constraint_that_matches_nothing_fails_clearly(any_master, operator_factory) -> None:
    master = any_master
    run = adhoc("mesos_task", web_args(master, constraints={"rack": "r9"}, offer_timeout=3))
    result = run.result
    assert result.get("failed"), run.describe()
    assert "no offer matched within offer_timeout=3s" in result["msg"]
    assert "127.0.0.1" in result["msg"] and "rack" in result["msg"] and "r2d2" in result["msg"]
    assert result["offers"] and all("reason" in offer for offer in result["offers"])
    assert not tasks_named(operator_factory(master), "web")
    # The framework this run registered has no task: it is torn down, not left behind.
    assert not frameworks_named(operator_factory(master), "mesos-lab")


def test_offer_without_enough_resources_says_so(shared_master) -> None:
    master = shared_master
    run = adhoc("mesos_task", web_args(master, mem=1_000_000, offer_timeout=3))
    result = run.result
    assert result.get("failed"), run.describe()
    assert "not enough mem" in result["msg"]


def test_task_that_fails_reports_mesos_reason(any_master, operator_factory) -> None:
    master = any_master
    run = adhoc("mesos_task", web_args(master, name="broken", command="exit 3"))
    result = run.result
    assert result.get("failed"), run.describe()
    assert re.match(r"task broken\.[0-9a-f]{8} went TASK_FAILED", result["msg"]), result["msg"]
    assert "3" in result["msg"]
    assert not frameworks_named(operator_factory(master), "mesos-lab"), "left registered"


def test_framework_refused_by_mesos_gives_its_reason(shared_master) -> None:
    master = shared_master
    run = adhoc("mesos_task", web_args(master, framework={"role": "bad role"}))
    result = run.result
    assert result.get("failed"), run.describe()
    assert "Mesos refused the framework subscription" in result["msg"]
    assert "invalid role" in result["msg"]


def test_check_mode_and_diff_launch_nothing(any_master, operator_factory) -> None:
    master = any_master
    operator = operator_factory(master)
    planned = ok(adhoc("mesos_task", web_args(master), check=True, diff=True))
    assert planned["changed"] is True
    assert planned["diff"]["before"] == {}
    assert planned["diff"]["after"]["command"] == WEB
    assert planned["diff"]["after"]["state"] == "TASK_RUNNING"
    assert planned["matching_agents"] == ["127.0.0.1"]
    assert not tasks_named(operator, "web")
    assert not frameworks_named(operator, "mesos-lab"), "check mode subscribed a framework"

    launched = ok(adhoc("mesos_task", web_args(master), diff=True))
    assert launched["diff"]["before"] == {}
    assert launched["diff"]["after"]["state"] == "TASK_RUNNING"

    kill_plan = ok(
        adhoc(
            "mesos_task",
            {"name": "web", "state": "absent", "master": master},
            check=True,
            diff=True,
        )
    )
    assert kill_plan["changed"] is True
    assert kill_plan["diff"]["before"]["state"] == "TASK_RUNNING"
    assert kill_plan["diff"]["after"] == {}
    assert len(live_tasks(operator, "web")) == 1, "check mode killed the task"


def test_check_mode_warns_when_no_agent_matches(shared_master) -> None:
    master = shared_master
    run = adhoc("mesos_task", web_args(master, constraints={"rack": "r9"}), check=True)
    result = ok(run)
    assert result["matching_agents"] == []
    assert "no registered agent" in run.stdout + run.stderr


def test_changed_spec_of_a_running_task_warns(shared_master) -> None:
    master = shared_master
    ok(adhoc("mesos_task", web_args(master)))
    run = adhoc("mesos_task", web_args(master, mem=64))
    assert ok(run)["changed"] is False
    assert "different spec" in run.stdout + run.stderr


def test_command_that_ignores_its_port_warns(shared_master) -> None:
    master = shared_master
    # `-a "... command='sleep 60 $PORT0' ..."` in a user's shell: $PORT0 is gone.
    run = adhoc("mesos_task", web_args(master, command="exec sleep 60 "))
    assert ok(run)["task"]["state"] == "TASK_RUNNING"
    assert "never mentions $PORT0" in run.stdout + run.stderr


def test_wait_false_returns_before_running(shared_master, operator_factory) -> None:
    master = shared_master
    result = ok(adhoc("mesos_task", web_args(master, wait=False)))
    assert result["changed"] is True and result["task"]["state"] == "TASK_STAGING"
    wait_for_task_state(operator_factory(master), "web", {"TASK_RUNNING"})


def test_master_found_through_environment(shared_master) -> None:
    master = shared_master
    args = web_args(master)
    del args["master"]
    result = ok(adhoc("mesos_task", args, env={"MESOS_MASTER": master}))
    assert result["task"]["state"] == "TASK_RUNNING"


def test_master_list_skips_a_dead_master(shared_master) -> None:
    master = shared_master
    dead = f"http://127.0.0.1:{free_port()}"
    result = ok(adhoc("mesos_task", web_args(master=f"{dead},{master}")))
    assert result["task"]["state"] == "TASK_RUNNING"


@pytest.fixture
def auth_cluster(mesos_kind, mesos_factory, tmp_path) -> SimCluster:
    credentials = tmp_path / "credentials.json"
    credentials.write_text('{"credentials": [{"principal": "lab", "secret": "s3cret"}]}')
    return mesos_factory(
        mesos_kind,
        master_flags={
            "authenticate_http_frameworks": "true",
            "http_framework_authenticators": "basic",
            "credentials": f"file://{credentials}",
        },
    )


def test_authentication_required_and_accepted(auth_cluster) -> None:
    master = auth_cluster.leader_url()
    refused = adhoc("mesos_task", web_args(master))
    assert refused.result.get("failed"), refused.describe()
    assert "refused the credentials" in refused.result["msg"]
    assert "401" in refused.result["msg"]

    wrong = adhoc("mesos_task", web_args(master, framework={"principal": "lab", "secret": "nope"}))
    assert "refused the credentials" in wrong.result["msg"]
    assert "nope" not in wrong.stdout + wrong.stderr

    launched = ok(
        adhoc("mesos_task", web_args(master, framework={"principal": "lab", "secret": "s3cret"}))
    )
    assert launched["task"]["state"] == "TASK_RUNNING"
    assert "s3cret" not in str(launched)


def test_no_authentication_needed_without_the_flag(shared_master) -> None:
    master = shared_master
    # Credentials are sent but the master does not ask for them: still fine.
    args = web_args(master, framework={"principal": "lab", "secret": "s3cret"})
    assert ok(adhoc("mesos_task", args))["task"]["state"] == "TASK_RUNNING"


@pytest.mark.zookeeper
def test_master_found_through_zookeeper(zookeeper, mesos_kind, mesos_factory) -> None:
    # Real Mesos with --zk (replicated log, quorum 1) writes its MasterInfo as json.info_*.
    cluster = mesos_factory(mesos_kind, zookeeper=zookeeper)
    zk_url = zookeeper.url("/mesos")
    result = ok(adhoc("mesos_task", web_args(zk_url)))
    assert result["task"]["state"] == "TASK_RUNNING"
    info = ok(adhoc("mesos_info", {"master": zk_url}))
    assert info["master"] == cluster.leader_url()


def test_unreachable_zookeeper_is_a_clear_error() -> None:
    zk_url = f"zk://127.0.0.1:{free_port()}/mesos"
    run = adhoc("mesos_info", {"master": zk_url, "timeout": 5})
    assert run.result.get("failed"), run.describe()
    assert "ZooKeeper" in run.result["msg"] and zk_url in run.result["msg"]


def test_docker_variant_is_valid_and_fails_with_the_agents_reason(any_master) -> None:
    master = any_master
    # The master validates the ContainerInfo (port mapping inside the task's ports); this
    # agent runs only the Mesos containerizer (no Docker engine here): real Mesos 1.12 fails
    # the task as an executor that ended without a container, and says so.
    container = {
        "image": "nginx:1.25-alpine",
        "network": "bridge",
        "port_mappings": [{"container_port": 80}],
    }
    args = web_args(master, name="nginx-docker", container=container)
    del args["command"]
    run = adhoc("mesos_task", args)
    result = run.result
    assert result.get("failed"), run.describe()
    assert "TASK_FAILED" in result["msg"]
    assert "REASON_EXECUTOR_TERMINATED" in result["msg"]
    assert "Abnormal executor termination: unknown container" in result["msg"]


@pytest.mark.zookeeper
def test_master_list_finds_the_leader_among_three(zookeeper, mesos_kind, mesos_factory) -> None:
    # Real Mesos: three masters sharing a replicated log (quorum 2), electing through ZooKeeper.
    cluster = mesos_factory(mesos_kind, masters=3, zookeeper=zookeeper)
    leader = cluster.leader_index()
    # Followers first: they answer 307 and the module must end up at the leader.
    order = [i for i in range(3) if i != leader] + [leader]
    masters = [cluster.master_url(i) for i in order]
    result = ok(adhoc("mesos_task", web_args(masters)))
    assert result["task"]["state"] == "TASK_RUNNING"
    again = ok(adhoc("mesos_task", web_args(",".join(masters))))
    assert again["changed"] is False


# --- copies: fresh ids, extra copies, leftovers -----------------------------------------------


def test_every_launch_gets_a_fresh_id_and_a_fixed_id_is_kept(any_master, operator_factory) -> None:
    master = any_master
    operator = operator_factory(master)
    first = ok(adhoc("mesos_task", web_args(master)))["task"]
    ok(adhoc("mesos_task", {"name": "web", "state": "absent", "master": master}))
    second = ok(adhoc("mesos_task", web_args(master)))["task"]
    assert first["id"] != second["id"] and second["id"].startswith("web.")
    assert [t["task_id"]["value"] for t in live_tasks(operator, "web")] == [second["id"]]

    fixed = ok(adhoc("mesos_task", web_args(master, name="pinned", task_id="pinned-id")))
    assert fixed["changed"] is True and fixed["task"]["id"] == "pinned-id"
    again = ok(adhoc("mesos_task", web_args(master, name="pinned", task_id="pinned-id")))
    assert again["changed"] is False and again["task"]["id"] == "pinned-id"
    gone = ok(
        adhoc(
            "mesos_task",
            {"name": "pinned", "task_id": "pinned-id", "state": "absent", "master": master},
        )
    )
    assert gone["task"]["state"] == "TASK_KILLED" and gone["killed_task_ids"] == ["pinned-id"]


def test_extra_live_copy_is_killed_and_the_oldest_kept(any_master, operator_factory) -> None:
    master = any_master
    operator = operator_factory(master)
    first = ok(adhoc("mesos_task", web_args(master)))
    kept_id = first["task"]["id"]
    with framework_session(master, first["framework_id"]) as session:
        state = launch_named(session, "web", "web.extra", WEB)
    assert state == "TASK_RUNNING"
    assert len(live_tasks(operator, "web")) == 2

    planned = ok(adhoc("mesos_task", web_args(master), check=True, diff=True))
    assert planned["changed"] is True and planned["killed_task_ids"] == ["web.extra"]
    assert planned["diff"]["before"]["extra_copies"] == ["web.extra"]
    assert planned["diff"]["after"]["id"] == kept_id
    assert len(live_tasks(operator, "web")) == 2, "check mode killed a copy"

    fixed = ok(adhoc("mesos_task", web_args(master), diff=True))
    assert fixed["changed"] is True and fixed["killed_task_ids"] == ["web.extra"]
    assert fixed["task"]["id"] == kept_id and fixed["task"]["state"] == "TASK_RUNNING"
    assert [t["task_id"]["value"] for t in live_tasks(operator, "web")] == [kept_id]
    killed = [t for t in tasks_named(operator, "web") if t["task_id"]["value"] == "web.extra"]
    assert [t["state"] for t in killed] == ["TASK_KILLED"]

    settled = ok(adhoc("mesos_task", web_args(master)))
    assert settled["changed"] is False and settled["task"]["id"] == kept_id
    assert "killed_task_ids" not in settled


def test_absent_kills_every_copy(any_master, operator_factory) -> None:
    master = any_master
    operator = operator_factory(master)
    first = ok(adhoc("mesos_task", web_args(master)))
    with framework_session(master, first["framework_id"]) as session:
        assert launch_named(session, "web", "web.second", WEB) == "TASK_RUNNING"
    gone = ok(adhoc("mesos_task", {"name": "web", "state": "absent", "master": master}))
    assert gone["changed"] is True
    assert sorted(gone["killed_task_ids"]) == sorted([first["task"]["id"], "web.second"])
    assert gone["task"]["state"] == "TASK_KILLED"
    assert not live_tasks(operator, "web")


def test_every_unacknowledged_leftover_is_acknowledged(
    mesos_kind, mesos_factory, operator_factory
) -> None:
    # On the simulator, an agent that does not re-send unacknowledged updates on its own
    # timer while the module runs; real Mesos's agent first re-sends after 10 s. Either way
    # the module's run must leave none unacknowledged.
    slow = {"sim_status_update_retry_interval": "600"} if mesos_kind == "sim" else {}
    cluster = mesos_factory(mesos_kind, agent_flags=slow)
    master = cluster.leader_url()
    operator = operator_factory(master)
    first = ok(adhoc("mesos_task", web_args(master)))
    ok(adhoc("mesos_task", {"name": "web", "state": "absent", "master": master}))
    # Two dead copies whose terminal updates nobody acknowledges.
    with framework_session(master, first["framework_id"], acknowledge=False) as session:
        holder = TerminalHolder(session)
        for task_id in ("web.dead1", "web.dead2"):
            launch_named(session, "web", task_id, "exit 0", wait=False, on_skip=holder.handle)
        holder.wait({"web.dead1", "web.dead2"})

    def unacknowledged() -> list[str]:
        # Mesos lists a terminal task under ``tasks`` until its update is acknowledged.
        held = operator.call("GET_TASKS").get("tasks", [])
        return sorted(
            t["task_id"]["value"]
            for t in held
            if t["name"] == "web" and t["state"] == "TASK_FINISHED" and t.get("status_update_uuid")
        )

    assert unacknowledged() == ["web.dead1", "web.dead2"]
    ok(adhoc("mesos_task", web_args(master)))
    wait_until(lambda: not unacknowledged(), 15, 0.2, "every leftover update acknowledged")
