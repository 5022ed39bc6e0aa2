"""The zookeeper role refuses bad input before it touches a host.

Preflight runs for real against the controller (connection local; it only reads facts).
Argument-spec cases run the whole role in check mode, so nothing on the controller changes
even if validation were to let a case through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from . import repo

THIS_HOST = "192.168.33.20"
OTHER_HOSTS = ["192.168.33.21", "192.168.33.22"]

PREFLIGHT_PLAY = """
- name: Run the zookeeper role's preflight only
  hosts: zookeeper
  gather_facts: false
  tasks:
    - name: Preflight
      ansible.builtin.include_role:
        name: zookeeper
        tasks_from: preflight
"""

ROLE_PLAY = """
- name: Run the zookeeper role in check mode
  hosts: zookeeper
  gather_facts: false
  roles:
    - zookeeper
"""


def run_play(tmp_path: Path, play: str, extra_vars: dict[str, Any], *args: str):
    inventory = {
        "zookeeper": {
            "hosts": {
                "zk": {
                    "ansible_connection": "local",
                    "ansible_host": THIS_HOST,
                    "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                }
            }
        }
    }
    (tmp_path / "inventory.json").write_text(json.dumps(inventory), encoding="utf-8")
    (tmp_path / "vars.json").write_text(json.dumps(extra_vars), encoding="utf-8")
    (tmp_path / "play.yml").write_text(play, encoding="utf-8")
    return repo.run_ansible(
        "ansible-playbook",
        "-i",
        str(tmp_path / "inventory.json"),
        "-e",
        f"@{tmp_path / 'vars.json'}",
        *args,
        str(tmp_path / "play.yml"),
    )


def ensemble(*hosts: str) -> list[dict[str, Any]]:
    return [{"id": index, "host": host} for index, host in enumerate(hosts, start=1)]


ACCEPTED = {
    "defaults from the inventory group": {},
    "three-node ensemble": {"zookeeper_servers": ensemble(THIS_HOST, *OTHER_HOSTS)},
    "explicit myid of this host": {
        "zookeeper_servers": ensemble(*OTHER_HOSTS[:1], THIS_HOST, *OTHER_HOSTS[1:]),
        "zookeeper_myid": 2,
    },
}

REFUSED = {
    "no servers": ({"zookeeper_servers": []}, "must list 1, 3, 5"),
    "even ensemble": (
        {"zookeeper_servers": ensemble(THIS_HOST, OTHER_HOSTS[0])},
        "must list 1, 3, 5",
    ),
    "duplicate ids": (
        {"zookeeper_servers": [{"id": 1, "host": h} for h in (THIS_HOST, *OTHER_HOSTS)]},
        "unique id",
    ),
    "id out of range": (
        {"zookeeper_servers": [{"id": 256, "host": THIS_HOST}], "zookeeper_myid": 256},
        "unique id in 1..255",
    ),
    "this host missing": (
        {"zookeeper_servers": ensemble(*OTHER_HOSTS, "192.168.33.23")},
        "must appear in zookeeper_servers",
    ),
    "myid of another host": (
        {"zookeeper_servers": ensemble(THIS_HOST, *OTHER_HOSTS), "zookeeper_myid": 3},
        "must be the id of that entry",
    ),
    "client and peer port equal": (
        {"zookeeper_peer_port": 2181},
        "must be distinct",
    ),
    "port out of range": (
        {"zookeeper_election_port": 70000},
        "must be distinct",
    ),
    "tiny heap": ({"zookeeper_heap_mb": 16}, "zookeeper_heap_mb >= 64"),
    "unknown four-letter word": ({"zookeeper_4lw_whitelist": ["ruok", "boom"]}, "four-letter"),
    "relative data dir": ({"zookeeper_data_dir": "data"}, "absolute zookeeper_data_dir"),
}

REFUSED_BY_SPEC = {
    "port is not a number": ({"zookeeper_client_port": "two"}, "zookeeper_client_port"),
    "word outside the choices": ({"zookeeper_4lw_whitelist": ["boom"]}, "zookeeper_4lw_whitelist"),
    "server without host": ({"zookeeper_servers": [{"id": 1}]}, "host"),
}


@pytest.mark.parametrize("extra_vars", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_preflight_accepts(tmp_path, extra_vars):
    result = run_play(tmp_path, PREFLIGHT_PLAY, extra_vars)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("extra_vars", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_preflight_refuses(tmp_path, extra_vars, message):
    result = run_play(tmp_path, PREFLIGHT_PLAY, extra_vars)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("extra_vars", "message"), REFUSED_BY_SPEC.values(), ids=REFUSED_BY_SPEC.keys()
)
def test_argument_spec_refuses_before_any_task(tmp_path, extra_vars, message):
    result = run_play(tmp_path, ROLE_PLAY, extra_vars, "--check")
    assert result.returncode != 0
    assert "Validating arguments against arg spec" in result.stdout
    assert message in result.stdout, result.stdout + result.stderr
    assert "Read the operating system facts" not in result.stdout
