"""Scenario real: the seed's cluster on Apache Mesos from shared/mesos/*.deb.

What molecule/shared/seed_checks reads; the package installs its daemons in /usr/sbin and ships
no wrapper or units, so the role's own wrapper runs them.
"""

MASTER_ADDRESS = "192.168.33.70"
AGENT_ADDRESS = "192.168.33.71"
CLUSTER = "molreal"
DAEMON_ARGV = {"master": ["/usr/sbin/mesos-master"], "agent": ["/usr/sbin/mesos-agent"]}
# inventory/group_vars/all.yml: no systemd slice for executors in an nspawn machine.
AGENT_BOOLEAN_FLAGS = {"?no-systemd_enable_support": "--no-systemd_enable_support"}
# inventory/group_vars/all.yml: the agent runs container images; nginx comes from nginx-lab.
NGINX_FROM_IMAGE = True
