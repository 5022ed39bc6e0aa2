"""Scenario default: the seed's cluster on mesos_sim (what molecule/shared/seed_checks reads)."""

MASTER_ADDRESS = "192.168.33.30"
AGENT_ADDRESS = "192.168.33.31"
CLUSTER = "moldef"
# The start of what mesos-init-wrapper runs, per daemon.
DAEMON_ARGV = {
    "master": ["/opt/mesos_sim/venv/bin/python", "-m", "mesos_sim", "master"],
    "agent": ["/opt/mesos_sim/venv/bin/python", "-m", "mesos_sim", "agent"],
}
# Boolean agent flags: file in /etc/mesos-agent/ -> flag.
AGENT_BOOLEAN_FLAGS: dict[str, str] = {}
