"""TaskInfo building: command and docker tasks, port environment, resource subsets."""

from __future__ import annotations

import pytest
from mesos_client.errors import TaskFailure
from mesos_client.offers import OfferMatch, ResourceRequest, match_offer
from mesos_client.task_spec import check_task_spec, task_spec
from mesos_client.taskinfo import (
    check_resources_subset,
    command_task,
    docker_task,
    mesos_image_task,
    port_environment,
)
from test_mc_offers import seed_offer


def a_match(ports: int = 2) -> OfferMatch:
    result = match_offer(seed_offer(), ResourceRequest(cpus=0.1, mem=32, ports=ports))
    assert isinstance(result, OfferMatch)
    return result


def env_of(task: dict) -> dict[str, str]:
    return {v["name"]: v["value"] for v in task["command"]["environment"]["variables"]}


def test_port_environment() -> None:
    assert port_environment([9000, 9001]) == {
        "PORT0": "9000",
        "PORT1": "9001",
        "PORT": "9000",
        "PORTS": "9000,9001",
    }
    assert port_environment([]) == {}


def test_command_task_shell() -> None:
    match = a_match()
    task = command_task(match, "web", "python3 -m http.server $PORT0", env={"A": "1"})
    assert task["name"] == "web"
    assert task["task_id"]["value"].startswith("web.")
    assert task["agent_id"] == {"value": "S0"}
    assert task["resources"] == match.resources
    assert task["command"]["shell"] is True
    assert task["command"]["value"] == "python3 -m http.server $PORT0"
    assert env_of(task) == {
        "PORT0": "9000",
        "PORT1": "9001",
        "PORT": "9000",
        "PORTS": "9000,9001",
        "A": "1",
    }
    assert "container" not in task


def test_command_task_argv_and_fixed_id() -> None:
    task = command_task(
        a_match(), "w", ["python3", "-c", "print(1)"], task_id="w-1", uris=["http://x/y"]
    )
    assert task["task_id"] == {"value": "w-1"}
    assert task["command"]["shell"] is False
    assert task["command"]["value"] == "python3"
    assert task["command"]["arguments"] == ["python3", "-c", "print(1)"]
    assert task["command"]["uris"] == [{"value": "http://x/y"}]


def test_task_ids_are_unique() -> None:
    match = a_match()
    assert (
        command_task(match, "a", "true")["task_id"] != command_task(match, "a", "true")["task_id"]
    )


def test_docker_task_maps_container_ports_to_offered_host_ports() -> None:
    task = docker_task(a_match(), "nginx", "nginx:1.25", container_ports=[80, 443])
    assert task["container"]["type"] == "DOCKER"
    docker = task["container"]["docker"]
    assert docker["image"] == "nginx:1.25" and docker["network"] == "BRIDGE"
    assert docker["port_mappings"] == [
        {"host_port": 9000, "container_port": 80, "protocol": "tcp"},
        {"host_port": 9001, "container_port": 443, "protocol": "tcp"},
    ]
    assert task["command"]["shell"] is False and "value" not in task["command"]
    assert env_of(task)["PORT"] == "9000"


def test_mesos_image_task_runs_the_image_entrypoint_on_the_offered_ports() -> None:
    task = mesos_image_task(a_match(ports=1), "nginx", "nginx-lab:latest")
    assert task["container"] == {
        "type": "MESOS",
        "mesos": {
            "image": {"type": "DOCKER", "docker": {"name": "nginx-lab:latest"}, "cached": True}
        },
    }
    assert task["command"]["shell"] is False and "value" not in task["command"]
    assert env_of(task)["PORT0"] == "9000"
    forced = mesos_image_task(a_match(), "n", "x:1", cached=False, command="echo hi")
    assert forced["container"]["mesos"]["image"]["cached"] is False
    assert forced["command"]["value"] == "echo hi"
    with pytest.raises(ValueError, match="image"):
        mesos_image_task(a_match(), "n", "")


@pytest.mark.parametrize(
    ("container", "message"),
    [
        ({"type": "mesos", "image": "x", "network": "bridge"}, "network=bridge needs type=docker"),
        (
            {"type": "mesos", "image": "x", "port_mappings": [{"container_port": 80}]},
            "port_mappings needs type=docker",
        ),
    ],
)
def test_mesos_containerizer_options_it_cannot_honour(container: dict, message: str) -> None:
    spec = task_spec("n", container=container, ports=1)
    with pytest.raises(TaskFailure, match=message):
        check_task_spec(spec)


def test_container_network_defaults_follow_the_containerizer() -> None:
    mesos = task_spec("n", container={"type": "mesos", "image": "x"})
    check_task_spec(mesos)
    assert mesos["container"]["network"] == "host"
    docker = task_spec("n", container={"image": "x"})
    check_task_spec(docker)
    assert docker["container"]["network"] == "bridge" and docker["container"]["type"] == "docker"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image": ""}, "image"),
        ({"image": "x", "network": "WIFI"}, "network"),
        ({"image": "x", "container_ports": [1, 2, 3]}, "host ports"),
    ],
)
def test_docker_task_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        docker_task(a_match(), "n", **kwargs)


@pytest.mark.parametrize("command", ["", "   ", []])
def test_empty_command_is_refused(command) -> None:
    with pytest.raises(ValueError):
        command_task(a_match(), "n", command)


def test_resources_must_be_a_subset_of_the_offer() -> None:
    offer = seed_offer()
    check_resources_subset(a_match().resources, offer)
    too_much = [{"name": "cpus", "type": "SCALAR", "role": "*", "scalar": {"value": 2.5}}]
    with pytest.raises(ValueError, match="more cpus"):
        check_resources_subset(too_much, offer)
    outside = [{"name": "ports", "type": "RANGES", "role": "*",
                "ranges": {"range": [{"begin": 80, "end": 80}]}}]  # fmt: skip
    with pytest.raises(ValueError, match="not inside"):
        check_resources_subset(outside, offer)
    other_role = [{"name": "cpus", "type": "SCALAR", "role": "web", "scalar": {"value": 1}}]
    with pytest.raises(ValueError, match="more cpus"):
        check_resources_subset(other_role, offer)


def test_building_a_task_from_a_forged_match_fails() -> None:
    match = a_match()
    forged = OfferMatch(match.offer, [*match.resources, *match.resources, *match.resources,
                                      *match.resources] * 6, match.ports)  # fmt: skip
    with pytest.raises(ValueError):
        command_task(forged, "x", "true")
