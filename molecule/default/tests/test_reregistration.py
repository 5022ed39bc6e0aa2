"""Changing mesos_agent_attributes and re-converging re-registers the agent (runs last).

Mesos (and mesos_sim) refuse to start an agent whose attributes or resources differ from the
agent info checkpointed under <work_dir>/meta/slaves/latest. This test first shows that refusal
(a hand-edited flag file and a plain restart), then re-converges the agent play with new
attributes: the role's handler must remove the checkpoint so that the agent registers again,
under a new id, with the new attributes. The seed's attributes are restored at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import lab_probes
import mesos_probes
import pytest

testinfra_hosts = ["ansible://mesos_agents"]

MASTER_ADDRESS = "192.168.33.30"
AGENT_ADDRESS = "192.168.33.31"
SEED_ATTRIBUTES = "rack:r2d2;pod:demo,dev"
NEW_ATTRIBUTES = {"rack": "r2d2", "pod": "demo,dev", "zone": "moldef-b"}
PROJECT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
PLAYBOOK_TIMEOUT = 600
REGISTRATION_TIMEOUT = 90


def converge_agents(inventory: str, extra_vars: dict | None = None) -> str:
    """Run playbooks/mesos_agent.yml on the scenario's inventory; return its output."""
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        inventory,
        str(PROJECT / "playbooks" / "mesos_agent.yml"),
    ]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    result = subprocess.run(
        command,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=PLAYBOOK_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout[-6000:]}"
    return result.stdout


def registered_agent(attributes: str) -> dict:
    """Wait until exactly one active agent at the agent's address has ``attributes``."""

    def listed() -> dict | None:
        agents = mesos_probes.active_agents(MASTER_ADDRESS, AGENT_ADDRESS)
        if len(agents) == 1 and mesos_probes.attributes_text(agents[0]) == attributes:
            return agents[0]
        return None

    return lab_probes.wait_for(
        listed, REGISTRATION_TIMEOUT, f"the agent registered with attributes {attributes}"
    )


@pytest.fixture
def inventory(request) -> str:
    path = request.config.option.ansible_inventory
    assert path, "run through molecule verify (it passes --ansible-inventory)"
    return path


def test_agent_refuses_changed_attributes_without_the_cleanup(host):
    """The control: without removing the checkpoint the agent does not come back."""
    since = host.check_output("date '+%Y-%m-%d %H:%M:%S'")
    try:
        host.run_expect(
            [0],
            "printf 'rack:r2d2;pod:demo,dev;zone:by-hand\\n' > /etc/mesos-agent/attributes"
            " && systemctl restart mesos-agent",
        )

        def refused() -> bool:
            log = host.check_output(f"journalctl --unit mesos-agent --since '{since}' --no-pager")
            return "Incompatible agent info" in log

        lab_probes.wait_for(refused, 60, "the agent to refuse its changed attributes")
        agents = mesos_probes.active_agents(MASTER_ADDRESS, AGENT_ADDRESS)
        assert all("zone:by-hand" not in mesos_probes.attributes_text(a) for a in agents)
    finally:
        host.run_expect(
            [0],
            f"printf '{SEED_ATTRIBUTES}\\n' > /etc/mesos-agent/attributes"
            " && systemctl restart mesos-agent",
        )
    registered_agent(SEED_ATTRIBUTES)


def test_reconverge_with_new_attributes_reregisters_the_agent(host, inventory):
    before = registered_agent(SEED_ATTRIBUTES)
    new_text = ";".join(f"{k}:{v}" for k, v in NEW_ATTRIBUTES.items())
    # A flag file the configuration does not name must go in the same converge.
    host.run_expect([0], "touch '/etc/mesos-agent/?quiet'")
    try:
        output = converge_agents(inventory, {"mesos_agent_attributes": NEW_ATTRIBUTES})
        assert "Forget the agent's checkpointed identity" in output
        assert not host.file("/etc/mesos-agent/?quiet").exists
        assert host.file("/etc/mesos-agent/attributes").content_string == new_text + "\n"

        after = registered_agent(new_text)
        assert after["agent_info"]["id"] != before["agent_info"]["id"]
        latest = host.file("/var/lib/mesos/agent/meta/slaves/latest")
        assert latest.linked_to.endswith(after["agent_info"]["id"]["value"])
    finally:
        converge_agents(inventory)
    restored = registered_agent(SEED_ATTRIBUTES)
    assert host.file("/etc/mesos-agent/attributes").content_string == SEED_ATTRIBUTES + "\n"
    assert restored["agent_info"]["id"] != before["agent_info"]["id"]
