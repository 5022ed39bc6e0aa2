"""tests.support.ports: listening ports for test processes come from below the ephemeral range."""

from __future__ import annotations

import socket
import time

import pytest

from tests.support import ports


def test_ports_are_distinct_bindable_and_below_the_ephemeral_range() -> None:
    chosen = ports.free_ports(40)
    assert len(set(chosen)) == 40
    for port in chosen:
        assert ports.LOWEST <= port < ports.ephemeral_low()
        assert port not in ports.MESOS_DEFAULT_TASK_PORTS
        with socket.socket() as sock:
            sock.bind(("0.0.0.0", port))


def test_an_outgoing_connection_blocks_a_listener_on_its_port() -> None:
    """Why the range matters: the port an outgoing connection used stays unbindable."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = socket.create_connection(server.getsockname())
        port = client.getsockname()[1]
        accepted, _ = server.accept()
        client.close()  # the client side closes first and keeps TIME_WAIT
        time.sleep(0.05)
        accepted.close()
    assert port >= ports.ephemeral_low()
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with pytest.raises(OSError):
            listener.bind(("0.0.0.0", port))


def test_ports_in_use_are_skipped_and_a_shortage_is_an_error(monkeypatch) -> None:
    pool = ports.free_ports(6)
    monkeypatch.setattr(ports, "_HANDED_OUT", set())
    monkeypatch.setattr(ports, "candidate_ports", lambda: list(pool))
    busy = [socket.socket() for _ in pool[:3]]
    try:
        for sock, port in zip(busy, pool[:3], strict=True):
            sock.bind(("127.0.0.1", port))
            sock.listen()
        with pytest.raises(ports.NoFreePort, match="only 3 of 4"):
            ports.free_ports(4)
        assert sorted(ports.free_ports(3)) == sorted(pool[3:])
    finally:
        for sock in busy:
            sock.close()


def test_a_port_is_never_handed_out_twice(monkeypatch) -> None:
    """An agent's offered ports are unbound until a task runs; nothing else may get them."""
    pool = ports.free_ports(6)
    monkeypatch.setattr(ports, "_HANDED_OUT", set())
    monkeypatch.setattr(ports, "candidate_ports", lambda: list(pool))
    offered = ports.free_ports(3)  # nothing listens on these afterwards
    assert sorted(ports.free_ports(3)) == sorted(set(pool) - set(offered))
    with pytest.raises(ports.NoFreePort, match=r"only 0 of 1 .*\(6 already handed out\)"):
        ports.free_port()


def test_agent_resources_name_free_ports() -> None:
    resources = ports.agent_resources(3)
    assert resources.startswith("cpus:2;mem:1024;disk:2048;ports:[")
    listed = resources.split("ports:[")[1].rstrip("]").split(",")
    assert len(listed) == 3
    for item in listed:
        low, high = item.split("-")
        assert low == high and ports.LOWEST <= int(low) < ports.ephemeral_low()
