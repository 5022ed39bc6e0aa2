"""Free TCP ports for processes a test starts (checked free on every IPv4 address).

Ports come from below the kernel's ephemeral range, never from it: every outgoing
connection (each HTTP request a test or a module makes) takes an ephemeral port as
its local port and holds it through TIME_WAIT for a minute, and Linux then refuses
to bind a listener on that port even with SO_REUSEADDR. A task told to serve on
such a port fails at once.

A port is handed out once per process. An agent's task ports are not bound
until a task runs, so without this a master or ZooKeeper started later in the
session could be given a port an agent still offers, and the task launched on
it fails to bind. CI saw a task fail to bind twice (the notebook's nginx on the
simulator, then an http.server task on real Mesos); either cause fits the first.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOOPBACK = "127.0.0.1"
LOWEST = 20000
MESOS_DEFAULT_TASK_PORTS = range(31000, 32001)  # what an agent offers without --resources
PORT_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
TRIES = 2000
_HANDED_OUT: set[int] = set()


class NoFreePort(RuntimeError):
    """Not enough ports below the ephemeral range could be bound."""


def ephemeral_low() -> int:
    """The lowest port the kernel hands out for outgoing connections."""
    try:
        return int(PORT_RANGE_FILE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def candidate_ports() -> list[int]:
    """Ports a test may listen on: below the ephemeral range, not Mesos's default task range."""
    return [port for port in range(LOWEST, ephemeral_low()) if port not in MESOS_DEFAULT_TASK_PORTS]


def _hold(port: int) -> socket.socket | None:
    """Bind ``port`` on all IPv4 addresses (so it is free on loopback and the bridge too)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("0.0.0.0", port))
    except OSError:
        sock.close()
        return None
    return sock


def free_ports(count: int) -> list[int]:
    """Return ``count`` distinct ports that were free on every address a moment ago.

    All are held open together while choosing; the choice is random so that test
    sessions running side by side on one host rarely try the same port. No port is
    returned twice in one process.
    """
    candidates = [port for port in candidate_ports() if port not in _HANDED_OUT]
    random.shuffle(candidates)
    held: list[socket.socket] = []
    try:
        for port in candidates[:TRIES]:
            if len(held) == count:
                break
            sock = _hold(port)
            if sock is not None:
                held.append(sock)
        if len(held) < count:
            raise NoFreePort(
                f"only {len(held)} of {count} ports free in {LOWEST}-{ephemeral_low() - 1}"
                f" ({len(_HANDED_OUT)} already handed out)"
            )
        chosen = [sock.getsockname()[1] for sock in held]
        _HANDED_OUT.update(chosen)
        return chosen
    finally:
        for sock in held:
            sock.close()


def free_port() -> int:
    """Return a TCP port that was free on every address a moment ago."""
    return free_ports(1)[0]


def agent_resources(port_count: int = 4) -> str:
    """``--resources`` whose ports are free test ports, not Mesos's default 31000-32000.

    Every test agent on this host (simulated or real) runs its tasks here, so runs in
    parallel (other test sessions, other suites) would otherwise hand out the same ports.
    """
    ports = ",".join(f"{port}-{port}" for port in free_ports(port_count))
    return f"cpus:2;mem:1024;disk:2048;ports:[{ports}]"
