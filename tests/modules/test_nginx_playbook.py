"""playbooks/nginx.yml's launch play, run for real against a local mesos_sim and real Mesos.

The inventory makes localhost the only master (local connection, this Python) and has no
agents, so the apt/systemd play targets nobody; the master is found through $MESOS_MASTER,
the way the modules fall back when no `master` option is given. Needs the nginx binary on
this host (Debian package nginx-light), since both agents run tasks here.
"""

from __future__ import annotations

import shutil
import sys

import pytest
import yaml

from .ansible_run import REPO_ROOT, playbook
from .cluster_checks import http_body, live_tasks

PLAYBOOK = REPO_ROOT / "playbooks" / "nginx.yml"

needs_nginx = pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx not installed (apt-get install nginx-light)"
)


@pytest.fixture
def inventory(tmp_path) -> str:
    path = tmp_path / "hosts.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "children": {
                        "mesos_masters": {
                            "hosts": {
                                "localhost": {
                                    "ansible_connection": "local",
                                    "ansible_python_interpreter": sys.executable,
                                }
                            }
                        },
                        "mesos_agents": {"hosts": {}},
                    }
                }
            }
        )
    )
    return str(path)


@needs_nginx
def test_nginx_play_launches_once_and_answers(shared_master, inventory, operator_factory) -> None:
    master = shared_master
    env = {"MESOS_MASTER": master}

    first = playbook(PLAYBOOK, inventory=inventory, env=env)
    assert first.returncode == 0, first.describe()
    results = first.results()
    launch = next(r for r in results if r.get("action") == "mesoslab.mesos.mesos_task")
    assert launch["changed"] is True and launch["task"]["state"] == "TASK_RUNNING"
    url = f"http://127.0.0.1:{launch['task']['ports'][0]}/"
    printed = [r.get("msg", "") for r in results if r.get("action") == "ansible.builtin.debug"]
    assert any(url in msg for msg in printed), printed
    assert "launched on Mesos by mesos-lab" in http_body(url)
    assert first.stats()["changed"] == 1

    second = playbook(PLAYBOOK, inventory=inventory, env=env)
    assert second.returncode == 0, second.describe()
    assert second.stats()["changed"] == 0, second.describe()
    assert len(live_tasks(operator_factory(master), "nginx")) == 1


def test_nginx_play_is_valid_yaml_with_the_launch_task() -> None:
    plays = yaml.safe_load(PLAYBOOK.read_text())
    launch_play = plays[1]
    (task,) = [t for t in launch_play["tasks"] if "mesoslab.mesos.mesos_task" in t]
    assert task["mesoslab.mesos.mesos_task"]["ports"] == 1
    assert launch_play["vars"]["nginx_task_constraints"] == {"rack": "r2d2"}
    assert "daemon off;" in launch_play["vars"]["nginx_task_command"]
