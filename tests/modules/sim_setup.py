"""How the module tests (and bench_modules) configure their simulated agents."""

from __future__ import annotations

from tests.support.ports import free_ports


def agent_resources(port_count: int = 4) -> str:
    """``--resources`` whose ports are free loopback ports, not Mesos's default 31000-32000.

    Every simulated agent on this host runs its tasks here, so runs in parallel (other test
    sessions, other suites) would otherwise hand out the same ports.
    """
    ports = ",".join(f"{port}-{port}" for port in free_ports(port_count))
    return f"cpus:2;mem:1024;disk:2048;ports:[{ports}]"
