"""Verify scenario ha: three masters, quorum 2, exactly one leads, the others redirect to it."""

from __future__ import annotations

import json

import ha_probes
import lab_probes

testinfra_hosts = ["ansible://mesos_masters"]

ZK_URL = "zk://" + ",".join(f"{m}:2181" for m in ha_probes.MASTERS) + "/mesos"
SUBSCRIBE = {
    "type": "SUBSCRIBE",
    "subscribe": {"framework_info": {"user": "root", "name": "molha-redirect-check"}},
}


def test_master_unit_enabled_and_running(host):
    service = host.service("mesos-master")
    assert service.is_enabled
    assert service.is_running


def test_quorum_is_two_of_three(host):
    assert host.file("/etc/mesos-master/quorum").content_string == "2\n"


def test_zk_file_names_the_whole_ensemble(host):
    assert host.file("/etc/mesos/zk").content_string == ZK_URL + "\n"


def statuses(path: str, body: dict, ca: str | None) -> dict[str, tuple[int, str]]:
    """{master: (status, redirect target or '')} for one call sent to every master."""
    result = {}
    for master in ha_probes.MASTERS:
        response = ha_probes.post_call(master, path, body, ca)
        target = ha_probes.redirect_target(response) if response.status_code == 307 else ""
        result[master] = (response.status_code, target)
    return result


def single_leader(ca: str | None) -> str:
    """Wait until exactly one master answers GET_MASTER itself; return its address."""

    def leader() -> str | None:
        answers = statuses("/api/v1", {"type": "GET_MASTER"}, ca)
        leading = [m for m, (status, _) in answers.items() if status == 200]
        return leading[0] if len(leading) == 1 else None

    return lab_probes.wait_for(leader, 60, "exactly one leading master")


def test_exactly_one_master_leads_and_the_others_redirect_to_it(ca):
    leader = single_leader(ca)
    answers = statuses("/api/v1", {"type": "GET_MASTER"}, ca)
    assert answers.pop(leader) == (200, "")
    assert answers == {m: (307, f"{leader}:5050") for m in answers}
    info = ha_probes.operator_call("GET_MASTER", ca, leader)["get_master"]["master_info"]
    assert info["address"]["ip"] == leader


def test_scheduler_calls_to_followers_are_redirected_to_the_leader(ca):
    leader = single_leader(ca)
    answers = statuses("/api/v1/scheduler", SUBSCRIBE, ca)
    followers = {m: answer for m, answer in answers.items() if m != leader}
    assert followers == {m: (307, f"{leader}:5050") for m in followers}


def test_leader_holds_the_lowest_znode(ca):
    leader = single_leader(ca)
    with lab_probes.zookeeper_session(ha_probes.MASTERS[0], ha_probes.ZOOKEEPER_PORT) as zk:
        children = [c for c in zk.get_children("/mesos") if c.startswith("json.info_")]
        assert len(children) == 3, children
        data, _ = zk.get(f"/mesos/{min(children)}")
    assert json.loads(data)["address"]["ip"] == leader
