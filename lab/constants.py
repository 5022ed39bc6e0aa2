"""Fixed facts of the lab network, shared by every inventory that uses the lab tool."""

import ipaddress

BRIDGE = "mlab0"
BRIDGE_ALIAS = "mesos-lab"
SUBNET = ipaddress.ip_network("192.168.33.0/24")
GATEWAY = ipaddress.ip_address("192.168.33.1")
NFT_TABLE = "mesos_lab"
SUITE = "bookworm"  # the host's Debian release, and a lab's unless its inventory sets lab_suite
SUITES = ("bullseye", "bookworm", "trixie")  # debootstrap (bookworm's) and the mirror have each
# Set (to the machine's root directory) in the container init's environment, so `down` can
# find a container whose systemd-nspawn parent died (kill -9, crash of the host-side process).
MACHINE_MARKER = "MESOS_LAB_MACHINE"
