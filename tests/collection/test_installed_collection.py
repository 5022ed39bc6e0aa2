"""`make collection`'s tarball, installed like any collection, works by FQCN with no project
config: ansible-doc renders every module, and mesos_task launches and removes a task on a
mesos_sim cluster on loopback, ad hoc and from a playbook."""

from __future__ import annotations

import json
import subprocess
import tarfile

import pytest
from mesos_client import OperatorClient

from .conftest import COLLECTION, REPO_ROOT, UserSetup, module_result

MODULES = ("mesos_task", "mesos_info", "mesos_offer_info", "mesos_framework")
NOT_SHIPPED = (".venv/", ".collections/", "lab/", "tests/modules/", "molecule/", "bench/")


def live_tasks(master: str, name: str) -> list[dict]:
    client = OperatorClient(master, timeout=10)
    try:
        tasks = client.get_tasks()
    finally:
        client.close()
    return [t for t in tasks if t["name"] == name and t["state"] == "TASK_RUNNING"]


def test_tarball_is_the_collection(user: UserSetup) -> None:
    with tarfile.open(user.tarball) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
    assert (manifest["namespace"], manifest["name"]) == ("mesoslab", "mesos")
    assert manifest["license"] == ["GPL-3.0-or-later"]
    for shipped in (
        "LICENSE",
        "meta/runtime.yml",
        "plugins/modules/mesos_task.py",
        "plugins/module_utils/mesos_client/calls.py",
        "roles/mesos_master/tasks/main.yml",
        "mesos_sim/__main__.py",
    ):
        assert shipped in names, shipped
    leaked = [n for n in names if n.startswith(NOT_SHIPPED)]
    assert not leaked, leaked


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders_from_the_install(user: UserSetup, module: str) -> None:
    done = user.run("ansible-doc", "--json", f"{COLLECTION}.{module}")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)[f"{COLLECTION}.{module}"]["doc"]
    assert doc["filename"].startswith(str(user.installed)), doc["filename"]
    assert {"master", "tls", "ca_path"} <= set(doc["options"])  # from the doc fragment


def test_adhoc_launch_and_absent_by_fqcn(user: UserSetup, sim_cluster_factory) -> None:
    cluster = sim_cluster_factory()
    cluster.wait_for_agents()
    master = cluster.leader_url()
    task = {"name": "adhoc", "command": "exec sleep 600", "master": master}
    launched = user.run(
        "ansible",
        "localhost",
        "-m",
        f"{COLLECTION}.mesos_task",
        "-a",
        json.dumps(task),
        json_output=True,
    )
    result = module_result(launched)
    assert launched.returncode == 0 and result["changed"], launched.stdout + launched.stderr
    assert result["task"]["state"] == "TASK_RUNNING"
    assert len(live_tasks(master, "adhoc")) == 1

    gone = user.run(
        "ansible",
        "localhost",
        "-m",
        f"{COLLECTION}.mesos_task",
        "-a",
        json.dumps({"name": "adhoc", "state": "absent", "master": master}),
        json_output=True,
    )
    assert gone.returncode == 0 and module_result(gone)["changed"], gone.stdout + gone.stderr
    assert live_tasks(master, "adhoc") == []


def test_playbook_launch_and_absent_by_fqcn(user: UserSetup, sim_cluster_factory) -> None:
    cluster = sim_cluster_factory()
    cluster.wait_for_agents()
    master = cluster.leader_url()
    play = [
        {
            "name": "A task on Mesos, by FQCN",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Launch",
                    f"{COLLECTION}.mesos_task": {
                        "name": "played",
                        "command": "exec sleep 600",
                        "master": master,
                    },
                    "register": "launched",
                },
                {
                    "name": "It runs",
                    "ansible.builtin.assert": {"that": ["launched.task.state == 'TASK_RUNNING'"]},
                },
                {
                    "name": "Remove",
                    f"{COLLECTION}.mesos_task": {
                        "name": "played",
                        "state": "absent",
                        "master": master,
                    },
                },
            ],
        }
    ]
    (user.workdir / "play.yml").write_text(json.dumps(play))
    done = user.run("ansible-playbook", "play.yml", json_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    stats = json.loads(done.stdout)["stats"]["localhost"]
    assert stats["changed"] == 2 and stats["failures"] == 0, stats
    assert live_tasks(master, "played") == []


def test_requirements_yml_with_a_git_source_installs(user: UserSetup, tmp_path) -> None:
    """The README's git way, with this checkout's committed HEAD as the git source."""
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    requirements = tmp_path / "requirements.yml"
    requirements.write_text(
        f"collections:\n  - name: file://{REPO_ROOT}\n    type: git\n    version: {head}\n"
    )
    done = user.run(
        "ansible-galaxy",
        "collection",
        "install",
        "--offline",
        "-r",
        str(requirements),
        "-p",
        str(tmp_path / "collections"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    installed = tmp_path / "collections" / "ansible_collections" / "mesoslab" / "mesos"
    assert (installed / "plugins" / "modules" / "mesos_task.py").is_file()
    assert not (installed / ".collections").exists()


@pytest.mark.parametrize("role", ["zookeeper", "mesos_master", "mesos_agent", "mesos_common"])
def test_roles_resolve_by_fqcn_from_the_install(user: UserSetup, role: str) -> None:
    done = user.run("ansible-doc", "-t", "role", "--json", f"{COLLECTION}.{role}")
    assert done.returncode == 0, done.stderr
    assert "main" in json.loads(done.stdout)[f"{COLLECTION}.{role}"]["entry_points"]
    play = [{"name": "Role by FQCN", "hosts": "localhost", "roles": [f"{COLLECTION}.{role}"]}]
    (user.workdir / f"{role}.yml").write_text(json.dumps(play))
    checked = user.run("ansible-playbook", "--syntax-check", f"{role}.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
