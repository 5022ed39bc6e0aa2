"""Scenario default runs mesos_sim, and says so."""

from __future__ import annotations

import mesos_probes
import scenario

testinfra_hosts = ["ansible://mesos_masters"]


def test_master_runs_from_the_simulator_venv(host):
    argv = mesos_probes.main_pid_cmdline(host, "mesos-master")
    assert argv[0] == "/opt/mesos_sim/venv/bin/python"
    version = host.check_output("/opt/mesos_sim/venv/bin/python -m mesos_sim --version")
    assert "mesos_sim (simulator)" in version


def test_version_endpoint_says_simulator():
    version = mesos_probes.http_get(scenario.MASTER_ADDRESS, 5050, "/version").json()
    assert "mesos_sim (simulator)" in str(version.values())
