"""The command line as users and scripts see it: exit codes, one-line errors."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab.cli import main, parser, remote_command

REPO = Path(__file__).resolve().parents[3]


def run_lab(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "lab", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.mark.parametrize(
    "argv",
    [["ssh", "seed-master", "--", "ls", "-l"], ["ssh", "seed-master", "ls", "-l"]],
)
def test_ssh_takes_a_command_with_or_without_double_dash(argv):
    args = parser().parse_args(argv)
    assert args.name == "seed-master"
    assert remote_command(args) == ["ls", "-l"]


def test_ssh_without_command_opens_a_shell():
    assert remote_command(parser().parse_args(["ssh", "seed-master"])) == []


def test_down_inventory_and_all_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["down", "-i", "inventories/labtest", "--all"])
    assert exit_info.value.code == 2


ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="root checks come before the inventory")


@ROOT_ONLY
def test_unknown_inventory_is_one_line_exit_2():
    result = run_lab("status", "-i", "/nonexistent/inventory")
    assert result.returncode == 2
    assert result.stderr == "lab: error: inventory /nonexistent/inventory does not exist\n"


@ROOT_ONLY
def test_inventory_without_lab_name_is_one_line_exit_2(tmp_path):
    (tmp_path / "hosts.yml").write_text(
        "all:\n  hosts:\n    m:\n      ansible_host: 192.168.33.70\n"
    )
    result = run_lab("status", "-i", str(tmp_path))
    assert result.returncode == 2
    assert "no lab_name" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


@ROOT_ONLY
def test_host_outside_subnet_is_one_line_exit_2(tmp_path):
    (tmp_path / "hosts.yml").write_text(
        "all:\n  vars:\n    lab_name: x\n  hosts:\n    m:\n      ansible_host: 10.9.9.9\n"
    )
    result = run_lab("up", "-i", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"lab: error: {tmp_path}: host m at 10.9.9.9 is outside the lab subnet 192.168.33.0/24"
    ]


@pytest.mark.skipif(os.geteuid() != 0, reason="drops root to nobody, so must start as root")
@pytest.mark.parametrize(
    "command",
    [
        ["status", "-i", "inventories/labtest"],
        ["up", "-i", "inventories/labtest"],
        ["down", "-i", "inventories/labtest"],
        ["down", "--all"],
        ["host-deps"],
    ],
)
def test_not_root_is_one_line_exit_2(command, tmp_path):
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    result = subprocess.run(
        [*nobody, sys.executable, "-m", "lab", *command],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MESOS_LAB_HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 2
    assert "needs root" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_ssh_to_unknown_machine_is_one_line_exit_2(tmp_path):
    result = run_lab("ssh", "no-such-machine", env={"MESOS_LAB_HOME": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr == "lab: error: no lab machine named 'no-such-machine' (machines: none)\n"
