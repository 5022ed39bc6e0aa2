"""Seed cluster, agent side: registered with the seed's attributes and resources.

Shared like seed_checks.master (the scenario's ``tests/scenario.py`` has its facts).
"""

from __future__ import annotations

import mesos_probes
import scenario

testinfra_hosts = ["ansible://mesos_agents"]

MASTER_ADDRESS = scenario.MASTER_ADDRESS
AGENT_ADDRESS = scenario.AGENT_ADDRESS
SEED_ATTRIBUTES = "rack:r2d2;pod:demo,dev"
RESOURCES = "cpus:2;mem:1024;disk:4096;ports:[31000-32000]"
EXPECTED_FLAGS = {
    "ip": AGENT_ADDRESS,
    "hostname": AGENT_ADDRESS,
    "port": "5051",
    "work_dir": "/var/lib/mesos/agent",
    "attributes": SEED_ATTRIBUTES,
    "resources": RESOURCES,
    "containerizers": "mesos",
    "launcher": "posix",
    "isolation": "posix/cpu,posix/mem",
    **getattr(scenario, "AGENT_FLAGS", {}),
}
# Boolean flags: file name in /etc/mesos-agent/ -> the flag the wrapper makes of it.
BOOLEAN_FLAGS = scenario.AGENT_BOOLEAN_FLAGS


def test_agent_unit_enabled_and_running(host):
    service = host.service("mesos-agent")
    assert service.is_enabled
    assert service.is_running


def test_master_unit_not_running_on_an_agent_that_is_no_master(host):
    service = host.service("mesos-master")
    assert not service.is_enabled
    assert not service.is_running


def test_agent_listens_on_its_lab_address(host):
    assert host.socket(f"tcp://{AGENT_ADDRESS}:5051").is_listening


def test_health_answers_200():
    assert mesos_probes.http_get(AGENT_ADDRESS, 5051, "/health").status_code == 200


def test_one_flag_file_per_flag_and_nothing_else(host):
    expected_files = sorted([*EXPECTED_FLAGS, *BOOLEAN_FLAGS])
    assert sorted(host.file("/etc/mesos-agent").listdir()) == expected_files
    for name, value in EXPECTED_FLAGS.items():
        assert host.file(f"/etc/mesos-agent/{name}").content_string == value + "\n", name
    for name in BOOLEAN_FLAGS:
        assert host.file(f"/etc/mesos-agent/{name}").content_string == "", name


def test_wrapper_turns_the_files_into_flags(host):
    argv = mesos_probes.main_pid_cmdline(host, "mesos-agent")
    daemon = scenario.DAEMON_ARGV["agent"]
    assert argv[: len(daemon)] == daemon
    assert f"--master=zk://{MASTER_ADDRESS}:2181/mesos" in argv
    for name, value in EXPECTED_FLAGS.items():
        assert f"--{name}={value}" in argv
    for flag in BOOLEAN_FLAGS.values():
        assert flag in argv


def test_work_dir_is_writable_for_tasks(host):
    probe = "/var/lib/mesos/agent/.verify-writable"
    host.run_expect([0], f"touch {probe} && rm {probe}")


def test_master_lists_the_agent_with_the_seed_attributes():
    agents = mesos_probes.active_agents(MASTER_ADDRESS, AGENT_ADDRESS)
    assert len(agents) == 1
    agent = agents[0]
    assert agent["agent_info"]["port"] == 5051
    assert mesos_probes.attributes_text(agent) == SEED_ATTRIBUTES
    assert [a["type"] for a in agent["agent_info"]["attributes"]] == ["TEXT", "TEXT"]


def test_master_lists_the_configured_resources():
    agent = mesos_probes.active_agents(MASTER_ADDRESS, AGENT_ADDRESS)[0]
    assert mesos_probes.resources_by_name(agent) == {
        "cpus": 2.0,
        "mem": 1024.0,
        "disk": 4096.0,
        "ports": [(31000, 32000)],
    }


def test_agent_checkpointed_the_id_the_master_gave_it(host):
    agent = mesos_probes.active_agents(MASTER_ADDRESS, AGENT_ADDRESS)[0]
    latest = host.file("/var/lib/mesos/agent/meta/slaves/latest")
    assert latest.is_symlink
    assert latest.linked_to.endswith(agent["agent_info"]["id"]["value"])
