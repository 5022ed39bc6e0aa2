"""Argument validation and error messages, through real `ansible localhost -m ...` runs.

None of these needs a cluster: they fail before the first request, or against a port where
nothing listens.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.support.ports import free_port

from .ansible_run import adhoc, fqcn, playbook
from .etc_overlay import etc_overlay, overlay_unavailable


def without_etc_mesos(workdir: Path) -> list[str] | None:
    """A wrapper that hides the host's /etc/mesos (an overlay whiteout), None when there is
    none: the module must find no master anywhere, whatever this host has."""
    if not Path("/etc/mesos").exists():
        return None
    reason = overlay_unavailable()
    assert reason is None, f"this host has /etc/mesos and it cannot be hidden: {reason}"
    wrapper = etc_overlay(workdir, {})
    (workdir / "upper").mkdir(exist_ok=True)
    os.mknod(workdir / "upper" / "mesos", stat.S_IFCHR | 0o600, os.makedev(0, 0))
    return wrapper


def failed_msg(module: str, args: dict, **kwargs) -> str:
    run = adhoc(module, args, **kwargs)
    result = run.result
    assert result.get("failed"), run.describe()
    assert "Traceback" not in run.stdout + run.stderr, run.describe()
    return result["msg"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            {"name": "web"},
            "state is present but any of the following are missing: command, container",
        ),
        (
            {"name": "web", "command": "true", "container": {"image": "nginx"}},
            "parameters are mutually exclusive: command|container",
        ),
        ({"command": "true"}, "missing required arguments: name"),
        ({"name": "web", "command": "true", "state": "running"}, "value of state must be one of"),
        ({"name": "web", "command": "true", "cpus": "lots"}, "cpus"),
        ({"name": "web", "command": "true", "cpus": -1}, "cpus must not be negative"),
        ({"name": "web", "command": "   "}, "command must not be empty"),
        (
            {"name": "web", "command": "true", "constraints": {"cores": ">=many"}},
            "bad constraints",
        ),
        (
            {
                "name": "web",
                "container": {"image": "nginx", "port_mappings": [{"container_port": 80}]},
            },
            "container.port_mappings has 1 entries but ports=0",
        ),
        (
            {"name": "web", "command": "true", "framework": {"secret": "s3cret"}},
            "missing parameter(s) required by 'secret': principal",
        ),
        (
            {"name": "web", "command": "true", "validate_certs": False},
            "validate_certs=false is not supported",
        ),
        (
            {"name": "web", "command": "true", "framework": {"failover_timeout": -1}},
            "framework.failover_timeout must not be negative",
        ),
        ({"name": "web", "command": "true", "ca_path": "/nonexistent/ca.pem"}, "does not exist"),
        ({"name": "web", "command": "true", "master": "ftp://somewhere"}, "not a master URL"),
        ({"name": "web", "command": "true", "master": "zk://"}, "ZooKeeper URL needs hosts"),
    ],
)
def test_mesos_task_rejects_bad_arguments(args: dict, expected: str) -> None:
    args.setdefault("master", "http://127.0.0.1:9")
    assert expected in failed_msg("mesos_task", args)


def test_secret_never_appears_in_output() -> None:
    run = adhoc(
        "mesos_task",
        {
            "name": "web",
            "command": "true",
            "master": f"http://127.0.0.1:{free_port()}",
            "timeout": 2,
            "framework": {"principal": "lab", "secret": "do-not-print-me"},
        },
    )
    assert run.result.get("failed"), run.describe()
    assert "do-not-print-me" not in run.stdout + run.stderr


# Secrets in shapes ansible-core cannot list its no_log values from (it gives up on the whole
# spec at the first option of the wrong shape): module, args, the option the msg must name.
MALFORMED_SECRETS = [
    (
        "mesos_task",
        {"name": "web", "command": "true", "framework": [{"principal": "p", "secret": "s3cret-1"}]},
        "framework",
    ),
    (
        "mesos_task",
        {"name": "web", "command": "true", "framework": ["junk", {"secret": "s3cret-2"}]},
        "framework",
    ),
    (
        "mesos_task",
        {"name": "web", "container": ["x"], "framework": "principal=p secret=s3cret-3"},
        "container",
    ),
    (
        "mesos_task",
        {
            "name": "web",
            "command": "true",
            "framework": {"principal": "p", "secret": {"k": "s3cret-4"}},
        },
        "framework.secret",
    ),
    ("mesos_info", {"principal": "p", "secret": ["s3cret-5"]}, "secret"),
    (
        "mesos_offer_info",
        {"framework": [{"principal": "p", "secret": "s3cret-6"}, 7]},
        "framework",
    ),
]


def test_secrets_of_the_wrong_shape_never_appear(tmp_path: Path) -> None:
    """One playbook run: each task fails naming the option, and no secret is printed, not
    even in the result's ``invocation`` (which the JSON callback prints)."""
    tasks = [
        {
            "name": f"case {index}",
            fqcn(module): dict(args, master="http://127.0.0.1:9"),
            "ignore_errors": True,
        }
        for index, (module, args, _) in enumerate(MALFORMED_SECRETS)
    ]
    book = tmp_path / "secrets.json"
    book.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    run = playbook(book)
    results = run.results()
    assert len(results) == len(MALFORMED_SECRETS), run.describe()
    for (module, args, option), result in zip(MALFORMED_SECRETS, results, strict=True):
        assert result.get("failed"), (module, args, result)
        assert option in result["msg"], (module, args, result["msg"])
        assert "invocation" in result, result
    assert "s3cret" not in run.stdout + run.stderr, run.describe()


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("mesos_task", {"name": "web", "command": "true"}),
        ("mesos_info", {}),
        ("mesos_offer_info", {}),
        ("mesos_framework", {"name": "mesos-lab"}),
    ],
)
def test_no_master_anywhere_is_a_clear_error(module: str, args: dict, tmp_path: Path) -> None:
    # Without the option and $MESOS_MASTER, /etc/mesos/zk is the last resort: hidden here.
    msg = failed_msg(module, args, wrapper=without_etc_mesos(tmp_path))
    assert "no Mesos master given" in msg
    assert "MESOS_MASTER" in msg and "/etc/mesos/zk" in msg


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("mesos_task", {"name": "web", "command": "true"}),
        ("mesos_task", {"name": "web", "state": "absent"}),
        ("mesos_info", {}),
        ("mesos_offer_info", {}),
        ("mesos_framework", {"name": "mesos-lab"}),
    ],
)
def test_master_down_is_a_clear_error(module: str, args: dict) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    args = dict(args, master=url, timeout=2)
    msg = failed_msg(module, args)
    assert "cannot reach" in msg and url in msg, msg
    assert "Connection refused" in msg or "refused" in msg.lower(), msg


def test_master_from_environment_when_option_missing() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    msg = failed_msg("mesos_info", {"timeout": 2}, env={"MESOS_MASTER": url})
    assert url in msg


@pytest.mark.parametrize(
    "module", ["mesos_task", "mesos_info", "mesos_offer_info", "mesos_framework"]
)
def test_documentation_renders(module: str) -> None:
    import subprocess

    from .ansible_run import BIN, REPO_ROOT, ansible_env

    result = subprocess.run(
        [str(BIN / "ansible-doc"), "-M", "plugins/modules", module],
        cwd=REPO_ROOT,
        env=ansible_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "EXAMPLES" in result.stdout and "RETURN VALUES" in result.stdout
    assert "ERROR" not in result.stderr
