"""Probes that molecule verifiers (testinfra) run from the controller against lab machines.

Every function that sends traffic first calls ``lab.network.require_lab_address``, so a
verifier can only ever talk to a machine on the lab bridge. Every wait is bounded.
Scenarios import this module as ``lab_probes`` (the shared molecule config puts
molecule/shared on the verifier's PYTHONPATH).
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from kazoo.client import KazooClient

from lab.network import require_lab_address


def lab_address(host: Any) -> str:
    """Return the ``ansible_host`` of a testinfra host after checking it is a lab address."""
    address = host.ansible.get_variables().get("ansible_host")
    if not address:
        raise ValueError(f"{host.backend.get_pytest_id()} has no ansible_host in the inventory")
    require_lab_address(address)
    return str(address)


def debian_release_and_python(host: Any) -> tuple[str, str]:
    """The machine's Debian major release and its python3's ``major.minor`` (e.g. "11", "3.9")."""
    assert host.system_info.distribution == "debian", host.system_info.distribution
    python = host.check_output("python3 -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])'")
    return host.system_info.release.split(".")[0], python


def host_variable(host: Any, name: str, default: Any) -> Any:
    """Return an inventory variable of a testinfra host, or ``default`` when it is unset."""
    return host.ansible.get_variables().get(name, default)


def four_letter_word(address: str, port: int, word: str, timeout: float = 5.0) -> str:
    """Send a ZooKeeper four-letter word over TCP and return the whole answer."""
    require_lab_address(address)
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    with socket.create_connection((address, port), timeout=timeout) as conn:
        conn.sendall(word.encode("ascii"))
        conn.shutdown(socket.SHUT_WR)
        while time.monotonic() < deadline:
            chunk = conn.recv(4096)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", errors="replace")


@contextlib.contextmanager
def zookeeper_session(address: str, port: int, timeout: float = 15.0) -> Iterator[KazooClient]:
    """Yield a connected kazoo client for one lab ZooKeeper; always stop and close it."""
    require_lab_address(address)
    client = KazooClient(
        hosts=f"{address}:{port}",
        timeout=timeout,
        connection_retry={"max_tries": 3, "delay": 0.5, "max_delay": 2},
        command_retry={"max_tries": 3, "delay": 0.5, "max_delay": 2},
    )
    client.start(timeout=timeout)
    try:
        yield client
    finally:
        client.stop()
        client.close()


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.5) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass; return whether it was."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() + interval > deadline:
            return False
        time.sleep(interval)


def wait_for(condition: Callable[[], Any], timeout: float, what: str, interval: float = 1.0):
    """Poll ``condition`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = condition()
        except (requests.RequestException, OSError, KeyError, json.JSONDecodeError) as exc:
            last_error, value = exc, None
        if value:
            return value
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}{detail}")
        time.sleep(interval)
