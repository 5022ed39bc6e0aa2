"""Verify scenario ha: both agents run and the leading master lists them with their racks."""

from __future__ import annotations

import ha_probes
import lab_probes

testinfra_hosts = ["ansible://mesos_agents"]


def test_agent_unit_enabled_and_running(host):
    service = host.service("mesos-agent")
    assert service.is_enabled
    assert service.is_running


def test_no_master_runs_on_an_agent(host):
    service = host.service("mesos-master")
    assert not service.is_enabled
    assert not service.is_running


def test_agent_finds_the_masters_through_the_whole_ensemble(host):
    zk_url = "zk://" + ",".join(f"{m}:2181" for m in ha_probes.MASTERS) + "/mesos"
    assert host.file("/etc/mesos/zk").content_string == zk_url + "\n"


def test_both_agents_registered_with_their_racks(ca):
    def registered() -> dict[str, str] | None:
        listed = {
            agent["agent_info"]["hostname"]: ha_probes.attributes_text(agent)
            for agent in ha_probes.active_agents(ca)
        }
        return listed if listed == ha_probes.AGENTS else None

    lab_probes.wait_for(registered, 60, f"the agents {ha_probes.AGENTS} registered")
