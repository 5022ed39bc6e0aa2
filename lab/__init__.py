"""mesos-lab's local lab tool: systemd-nspawn machines on the `mlab0` bridge.

Run as ``python -m lab host-deps|up|down|status|ssh`` (see docs/architecture.md, "Lab tool
contract"). The tool knows machines, a bridge and NAT; it knows nothing about Mesos.
"""
