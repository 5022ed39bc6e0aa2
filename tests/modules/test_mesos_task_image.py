"""mesos_task with a container image run by the Mesos containerizer (container.type mesos).

On loopback neither Mesos can run images: real Mesos's agent has no image provider there,
and mesos_sim never runs images. Both must answer the launch the same way, and the module
must report it; the lab (molecule real) is where nginx runs from its image.
"""

from __future__ import annotations

import re

from .ansible_run import adhoc, ok
from .cluster_checks import frameworks_named, tasks_named
from .test_mesos_task import web_args

IMAGE = {"type": "mesos", "image": "nginx-lab:latest"}


def image_args(master: str, **extra) -> dict:
    """test_mesos_task's arguments with the image instead of the command."""
    args = web_args(master, **{"name": "img", "container": IMAGE, **extra})
    del args["command"]
    return args


def test_check_mode_plans_the_image_on_the_agents_network(master, operator_factory) -> None:
    planned = ok(adhoc("mesos_task", image_args(master), check=True, diff=True))
    assert planned["changed"] is True
    container = planned["diff"]["after"]["container"]
    assert container["type"] == "mesos" and container["image"] == "nginx-lab:latest"
    assert container["network"] == "host"
    assert "command" not in planned["diff"]["after"]
    operator = operator_factory(master)
    assert not tasks_named(operator, "img")
    assert not frameworks_named(operator, "mesos-lab"), "check mode subscribed a framework"


def test_an_agent_without_image_support_fails_the_task_with_mesos_reason(
    any_master, operator_factory
) -> None:
    run = adhoc("mesos_task", image_args(any_master))
    result = run.result
    assert result.get("failed"), run.describe()
    assert re.match(r"task img\.[0-9a-f]{8} went TASK_FAILED", result["msg"]), result["msg"]
    # What real Mesos's agent says without --image_providers (mesos_sim says the same).
    assert "Unsupported container image type: DOCKER" in result["msg"], result["msg"]
    assert not frameworks_named(operator_factory(any_master), "mesos-lab"), "left registered"


def test_options_the_mesos_containerizer_cannot_honour_fail_before_any_call(
    master, operator_factory
) -> None:
    bridge = adhoc("mesos_task", image_args(master, container={**IMAGE, "network": "bridge"}))
    assert bridge.result.get("failed")
    assert "container.network=bridge needs type=docker" in bridge.result["msg"]
    mapped = dict(IMAGE, port_mappings=[{"container_port": 80}])
    mapping = adhoc("mesos_task", image_args(master, container=mapped))
    assert "container.port_mappings needs type=docker" in mapping.result["msg"]
    assert "Traceback" not in bridge.stdout + mapping.stdout
    assert not frameworks_named(operator_factory(master), "mesos-lab")
