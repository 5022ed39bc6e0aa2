"""Seed cluster, master side: mesos-master from files, leading through ZooKeeper.

Shared by the scenarios that build the seed's cluster (`default` on mesos_sim, `real` on Apache
Mesos): each has a ``tests/scenario.py`` with its addresses and flavor, and a test module that
star-imports this one.
"""

from __future__ import annotations

import json

import lab_probes
import mesos_probes
import scenario

testinfra_hosts = ["ansible://mesos_masters"]

MASTER_ADDRESS = scenario.MASTER_ADDRESS
EXPECTED_FLAGS = {
    "ip": MASTER_ADDRESS,
    "hostname": MASTER_ADDRESS,
    "port": "5050",
    "work_dir": "/var/lib/mesos/master",
    "quorum": "1",
    "cluster": scenario.CLUSTER,
}
ZK_URL = f"zk://{MASTER_ADDRESS}:2181/mesos"


def test_master_unit_enabled_and_running(host):
    service = host.service("mesos-master")
    assert service.is_enabled
    assert service.is_running


def test_agent_unit_not_running_on_a_master_that_is_no_agent(host):
    service = host.service("mesos-agent")
    assert not service.is_enabled
    assert not service.is_running


def test_master_listens_on_its_lab_address(host):
    assert host.socket(f"tcp://{MASTER_ADDRESS}:5050").is_listening


def test_health_answers_200():
    assert mesos_probes.http_get(MASTER_ADDRESS, 5050, "/health").status_code == 200


def test_zk_file_names_the_zookeeper_group(host):
    assert host.file("/etc/mesos/zk").content_string == ZK_URL + "\n"


def test_one_flag_file_per_flag_and_nothing_else(host):
    directory = host.file("/etc/mesos-master")
    assert directory.is_directory
    assert sorted(directory.listdir()) == sorted(EXPECTED_FLAGS)
    for name, value in EXPECTED_FLAGS.items():
        flag = host.file(f"/etc/mesos-master/{name}")
        assert flag.content_string == value + "\n", name
        assert flag.user == "root"
        assert flag.mode == 0o644


def test_wrapper_turns_the_files_into_flags(host):
    argv = mesos_probes.main_pid_cmdline(host, "mesos-master")
    daemon = scenario.DAEMON_ARGV["master"]
    assert argv[: len(daemon)] == daemon
    assert f"--zk={ZK_URL}" in argv
    for name, value in EXPECTED_FLAGS.items():
        assert f"--{name}={value}" in argv


def test_leader_znode_holds_this_master():
    with lab_probes.zookeeper_session(MASTER_ADDRESS, 2181) as zk:
        children = [c for c in zk.get_children("/mesos") if c.startswith("json.info_")]
        assert children, "no json.info_* znode under /mesos"
        data, _ = zk.get(f"/mesos/{min(children)}")
    info = json.loads(data)
    assert info["address"]["ip"] == MASTER_ADDRESS
    assert info["address"]["port"] == 5050
    assert info["hostname"] == MASTER_ADDRESS


def test_operator_api_names_this_master_as_leader():
    master = mesos_probes.operator_call(MASTER_ADDRESS, "GET_MASTER")["get_master"]
    assert master["master_info"]["address"]["ip"] == MASTER_ADDRESS
    assert master["master_info"]["port"] == 5050
