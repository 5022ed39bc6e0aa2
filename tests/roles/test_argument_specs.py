"""meta/argument_specs.yml rejects wrong types before a role touches anything, and preflight
stops a play on a bad address or an unreachable ZooKeeper. Everything runs in check mode
against this machine and fails before the first change."""

from __future__ import annotations

import pytest

from tests.support.ports import free_port

from .playbook_run import local_inventory, run_playbook

SECRET = "TOPSECRET-arg-3c1d"


def role_play(role: str, **play_vars) -> list[dict]:
    return [
        {
            "name": f"{role} with bad settings",
            "hosts": "checkhost",
            "gather_facts": False,
            "vars": {"mesos_flavor": "package", **play_vars},
            "roles": [{"role": role}],
        }
    ]


def failed_validation(run) -> dict:
    """The result of the role's failed argument validation task."""
    for task in run.tasks:
        if task["task"]["name"].split(" : ", 1)[-1].startswith("Validating arguments"):
            result = task["hosts"]["checkhost"]
            if result.get("failed"):
                return result
    raise AssertionError(f"no failed argument validation:\n{run.stdout[-4000:]}")


@pytest.mark.parametrize(
    ("role", "play_vars", "expected"),
    [
        ("mesos_agent", {"mesos_agent_port": "fifty"}, "mesos_agent_port"),
        ("mesos_agent", {"mesos_agent_flags": ["launcher=posix"]}, "mesos_agent_flags"),
        ("mesos_agent", {"mesos_agent_launcher": "systemd"}, "mesos_agent_launcher"),
        ("mesos_agent", {"mesos_agent_registration_timeout": "soon"}, "registration_timeout"),
        ("mesos_master", {"mesos_master_quorum": "two"}, "mesos_master_quorum"),
        ("mesos_master", {"mesos_master_authenticate_frameworks": "maybe"}, "authenticate"),
        ("mesos_master", {"mesos_master_credentials": "lab:secret"}, "mesos_master_credentials"),
        ("mesos_master", {"mesos_master_flags": ["quorum", 2]}, "mesos_master_flags"),
    ],
)
def test_wrong_types_are_rejected_before_any_task(tmp_path, role, play_vars, expected):
    run = run_playbook(tmp_path, local_inventory(free_port()), role_play(role, **play_vars))
    assert run.returncode != 0
    result = failed_validation(run)
    errors = " ".join(result.get("argument_errors", []))
    assert expected in errors, errors
    names = [task["task"]["name"] for task in run.tasks]
    assert not [name for name in names if "Install" in name or "Write" in name], names


def test_a_wrong_flavor_is_rejected(tmp_path):
    run = run_playbook(
        tmp_path,
        local_inventory(free_port()),
        role_play("mesos_master", mesos_flavor="docker"),
    )
    assert run.returncode != 0
    errors = " ".join(failed_validation(run).get("argument_errors", []))
    assert "mesos_common_flavor" in errors and "package, simulator" in errors


def test_a_secret_in_a_rejected_play_is_not_shown(tmp_path):
    run = run_playbook(
        tmp_path,
        local_inventory(free_port()),
        role_play(
            "mesos_master",
            mesos_master_quorum="two",
            mesos_master_credentials=[{"principal": "lab", "secret": SECRET}],
        ),
    )
    assert run.returncode != 0
    assert SECRET not in run.stdout + run.stderr


def test_preflight_refuses_an_address_that_is_not_the_hosts(tmp_path):
    run = run_playbook(
        tmp_path,
        local_inventory(free_port(), mesos_address="192.0.2.77"),
        role_play("mesos_agent"),
    )
    assert run.returncode != 0
    message = run.result("Assert the lab address is set and belongs to this host")["msg"]
    assert "192.0.2.77" in message and "mesos_address" in message


def test_preflight_stops_when_zookeeper_is_unreachable(tmp_path):
    closed_port = free_port()
    run = run_playbook(
        tmp_path,
        local_inventory(closed_port),
        role_play(
            "mesos_agent",
            mesos_address="{{ ansible_facts['all_ipv4_addresses'] | first }}",
            mesos_common_zookeeper_wait_timeout=2,
        ),
    )
    assert run.returncode != 0
    message = run.result("Wait for every ZooKeeper server's client port")["msg"]
    assert f"ZooKeeper at 127.0.0.1:{closed_port} is not reachable" in message
