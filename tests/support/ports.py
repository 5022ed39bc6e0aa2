"""Free TCP ports on loopback for processes a test starts."""

from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port on ``host`` that was free a moment ago (bind to port 0, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """Return ``count`` distinct free ports (all held open together while choosing)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def agent_resources(port_count: int = 4) -> str:
    """``--resources`` whose ports are free loopback ports, not Mesos's default 31000-32000.

    Every test agent on this host (simulated or real) runs its tasks here, so runs in
    parallel (other test sessions, other suites) would otherwise hand out the same ports.
    """
    ports = ",".join(f"{port}-{port}" for port in free_ports(port_count))
    return f"cpus:2;mem:1024;disk:2048;ports:[{ports}]"
