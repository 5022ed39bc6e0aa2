"""Verify scenario ha: the three ZooKeeper servers form one ensemble (one leader, two followers)."""

from __future__ import annotations

import re

import ha_probes
import lab_probes

testinfra_hosts = ["ansible://zookeeper"]

ENSEMBLE_LINES = [
    f"server.{index}={address}:2888:3888"
    for index, address in enumerate(ha_probes.MASTERS, start=1)
]


def mode(address: str) -> str:
    answer = lab_probes.four_letter_word(address, ha_probes.ZOOKEEPER_PORT, "srvr")
    match = re.search(r"^Mode: (\w+)$", answer, re.M)
    assert match, f"{address} answered srvr without a mode:\n{answer}"
    return match.group(1)


def test_zookeeper_runs_on_every_master_machine(host):
    service = host.service("zookeeper")
    assert service.is_enabled
    assert service.is_running


def test_every_server_is_configured_with_the_whole_ensemble(host):
    config = host.file("/etc/zookeeper/conf/zoo.cfg").content_string.splitlines()
    assert [line for line in config if line.startswith("server.")] == ENSEMBLE_LINES


def test_one_leader_and_two_followers():
    def modes() -> list[str] | None:
        found = sorted(mode(address) for address in ha_probes.MASTERS)
        return found if found == ["follower", "follower", "leader"] else None

    lab_probes.wait_for(modes, 60, "a 3-node ensemble with one leader and two followers")
