"""Seed cluster, last step of site.yml: nginx runs as a Mesos task and answers.

Shared like seed_checks.master. In scenario default its test module sorts before
test_reregistration.py and test_secured_master.py, which restart the agent and the master.
"""

from __future__ import annotations

import mesos_probes
import scenario

testinfra_hosts = ["ansible://mesos_agents"]

MASTER_ADDRESS = scenario.MASTER_ADDRESS
AGENT_ADDRESS = scenario.AGENT_ADDRESS
TASK_NAME = "nginx"
# Real Mesos with container images runs nginx from the nginx-lab image (images/nginx-lab).
FROM_IMAGE = getattr(scenario, "NGINX_FROM_IMAGE", False)
IMAGE_MARKER = "/etc/mesos-lab-image"  # in the image's root file system only
IMAGE_PAGE = "This page is baked into the nginx-lab image"
COMMAND_PAGE = "nginx, launched on Mesos by mesos-lab"


def nginx_masters(host) -> list:
    return [
        p for p in host.process.filter(comm="nginx") if p.args.startswith("nginx: master process")
    ]


def running_nginx_tasks() -> list[dict]:
    tasks = mesos_probes.operator_call(MASTER_ADDRESS, "GET_TASKS")["get_tasks"].get("tasks", [])
    return [t for t in tasks if t["name"] == TASK_NAME and t["state"] == "TASK_RUNNING"]


def task_port(task: dict) -> int:
    (ports,) = [r for r in task["resources"] if r["name"] == "ports"]
    (first,) = ports["ranges"]["range"]
    assert first["begin"] == first["end"], "nginx was given one port"
    return first["begin"]


def test_exactly_one_nginx_task_runs():
    assert len(running_nginx_tasks()) == 1


def test_nginx_is_a_mesos_task_not_a_system_service(host):
    service = host.service("nginx")
    assert not service.is_enabled
    assert not service.is_running
    masters = nginx_masters(host)
    assert len(masters) == 1, [p.args for p in host.process.filter(comm="nginx")]
    if FROM_IMAGE:
        return  # test_nginx_runs_in_the_image_root_file_system says where it runs
    # Started by the Mesos agent in the task's sandbox: <work_dir>/slaves/<agent>/.../runs/<id>.
    assert " -p /var/lib/mesos/agent/slaves/" in masters[0].args, masters[0].args


def test_nginx_runs_in_the_image_root_file_system(host):
    """From the image: its root is the provisioned rootfs, which has the image's marker file,
    and the agent has neither that file nor an nginx package of its own."""
    if not FROM_IMAGE:
        assert not host.file(IMAGE_MARKER).exists
        return
    (master,) = nginx_masters(host)
    # Its own mount namespace (pivot_root into the provisioned rootfs), unlike the agent's.
    namespace = host.check_output(f"readlink /proc/{master.pid}/ns/mnt")
    assert namespace != host.check_output("readlink /proc/1/ns/mnt")
    marker = host.check_output(f"cat /proc/{master.pid}/root{IMAGE_MARKER}")
    assert '"image": "nginx-lab:latest"' in marker
    assert not host.file(IMAGE_MARKER).exists
    assert not host.package("nginx-light").is_installed


def test_nginx_answers_from_the_controller():
    (task,) = running_nginx_tasks()
    response = mesos_probes.http_get(AGENT_ADDRESS, task_port(task), "/")
    assert response.status_code == 200
    assert response.headers.get("Server", "").startswith("nginx")
    assert (IMAGE_PAGE if FROM_IMAGE else COMMAND_PAGE) in response.text
