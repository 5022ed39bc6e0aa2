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
# The flags container images add (roles/mesos_agent/vars/main.yml), over the seed's.
AGENT_FLAGS = {
    "launcher": "linux",
    "isolation": "cgroups/pids,posix/cpu,posix/mem,filesystem/linux,docker/runtime",
    "image_providers": "docker",
    "docker_registry": "/var/lib/mesos-agent/images",
    "docker_store_dir": "/var/lib/mesos/agent/store/docker",
}
