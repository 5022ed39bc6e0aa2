"""Tasks with a ContainerInfo (images, volumes, a DockerInfo) and what real Mesos answers.

One table for two users: tests/sim/test_containers.py checks that mesos_sim answers each
case as written here, tests/conformance runs the same cases on real Mesos and on mesos_sim
and diffs them (the "container images" scenario). The expected answers were copied from real
Mesos 1.12 on loopback (tests/support/real_mesos.py: the Mesos containerizer with
``--launcher=posix``, ``--isolation=posix/cpu,posix/mem``, no ``--image_providers``).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from .scheduler import TestScheduler, command_task, launch_call

NGINX_IMAGE = {"type": "DOCKER", "docker": {"name": "nginx-lab:latest"}, "cached": True}
JSON_ERROR = "Failed to convert JSON into Call protobuf: "
MISSING = JSON_ERROR + "Missing required fields: accept.operations[0].launch.task_infos[0]."
INVALID = "Task's `ContainerInfo` is invalid: "
ONLY_ONE = (
    INVALID + "Invalid volume: Only one of them should be set: 'host_path', 'image' and 'source'"
)
LAUNCH_FAILED = ("TASK_FAILED", "REASON_CONTAINER_LAUNCH_FAILED", "SOURCE_AGENT")
UNSUPPORTED = "Failed to launch container: Unsupported container image type: "
TASK_ERROR = ("TASK_ERROR", "REASON_TASK_INVALID", "SOURCE_MASTER")
TERMINAL = {"TASK_FAILED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED", "TASK_FINISHED"}


def _volume(**fields: object) -> dict:
    return {"type": "MESOS", "volumes": [{"container_path": "/mnt/x", "mode": "RW", **fields}]}


@dataclass(frozen=True)
class ContainerCase:
    """A task's ``container`` and the answer: the ACCEPT's status and body, then (for a 202)
    the first update's (state, reason, source, message)."""

    name: str
    container: dict
    status: int = 202
    body: str = ""
    update: tuple[str, str | None, str | None, str | None] | None = None


CASES = [
    # The agent: no image providers, the filesystem/posix isolator, no docker containerizer.
    ContainerCase(
        "MESOS image DOCKER nginx-lab:latest",
        {"type": "MESOS", "mesos": {"image": NGINX_IMAGE}},
        update=(*LAUNCH_FAILED, UNSUPPORTED + "DOCKER"),
    ),
    ContainerCase(
        "MESOS image DOCKER without its docker message",
        {"type": "MESOS", "mesos": {"image": {"type": "DOCKER"}}},
        update=(*LAUNCH_FAILED, UNSUPPORTED + "DOCKER"),
    ),
    ContainerCase(
        "MESOS image APPC",
        {"type": "MESOS", "mesos": {"image": {"type": "APPC", "appc": {"name": "lab/nginx"}}}},
        update=(*LAUNCH_FAILED, UNSUPPORTED + "APPC"),
    ),
    ContainerCase(
        "MESOS with a host_path volume",
        _volume(host_path="/tmp"),
        update=(
            *LAUNCH_FAILED,
            "Failed to launch container: Volumes in ContainerInfo is not supported",
        ),
    ),
    ContainerCase(
        "DOCKER with a MESOS image",
        {"type": "DOCKER", "docker": {"image": "nginx"}, "mesos": {"image": NGINX_IMAGE}},
        update=(
            "TASK_FAILED",
            "REASON_EXECUTOR_TERMINATED",
            "SOURCE_AGENT",
            "Abnormal executor termination: unknown container",
        ),
    ),
    ContainerCase(
        "MESOS with a DockerInfo and no image (runs)",
        {"type": "MESOS", "docker": {"image": "nginx"}},
        update=("TASK_STARTING", None, "SOURCE_EXECUTOR", None),
    ),
    # The master: TASK_ERROR from common::validation::validateContainerInfo.
    ContainerCase(
        "volume with host_path and image",
        _volume(host_path="/tmp", image=NGINX_IMAGE),
        update=(*TASK_ERROR, ONLY_ONE),
    ),
    ContainerCase(
        "volume with no host_path, image or source", _volume(), update=(*TASK_ERROR, ONLY_ONE)
    ),
    ContainerCase(
        "volume SANDBOX_PATH source without sandbox_path",
        _volume(source={"type": "SANDBOX_PATH"}),
        update=(
            *TASK_ERROR,
            INVALID + "Invalid volume: 'source.sandbox_path' is not set for SANDBOX_PATH volume",
        ),
    ),
    ContainerCase(
        "volume source of an unknown type",
        _volume(source={"type": "NO_SUCH_TYPE"}),
        update=(*TASK_ERROR, INVALID + "Invalid volume: 'source.type' is unknown"),
    ),
    ContainerCase(
        "volume CSI source without static_provisioning",
        _volume(source={"type": "CSI_VOLUME", "csi_volume": {"plugin_name": "lab"}}),
        update=(
            *TASK_ERROR,
            INVALID
            + "Invalid volume: 'source.csi_volume.static_provisioning' is not set for CSI volume",
        ),
    ),
    ContainerCase(
        "DOCKER without its docker message",
        {"type": "DOCKER"},
        update=(
            *TASK_ERROR,
            INVALID + "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo",
        ),
    ),
    # The JSON conversion: 400 before any validation.
    ContainerCase(
        "MESOS image DOCKER without a name",
        {"type": "MESOS", "mesos": {"image": {"type": "DOCKER", "docker": {}}}},
        400,
        MISSING + "container.mesos.image.docker.name",
    ),
    ContainerCase(
        "MESOS image without a type",
        {"type": "MESOS", "mesos": {"image": {"docker": {"name": "nginx-lab:latest"}}}},
        400,
        MISSING + "container.mesos.image.type",
    ),
    ContainerCase(
        "MESOS image of an unknown type",
        {"type": "MESOS", "mesos": {"image": {"type": "OCI", "docker": {"name": "nginx"}}}},
        400,
        JSON_ERROR + "Failed to find enum for 'OCI'",
    ),
    ContainerCase(
        "volume without a mode",
        {"type": "MESOS", "volumes": [{"container_path": "/mnt/x", "host_path": "/tmp"}]},
        400,
        MISSING + "container.volumes[0].mode",
    ),
]


def answer(status: dict) -> tuple[str, str | None, str | None, str | None]:
    """(state, reason, source, message) of a TaskStatus."""
    return (status["state"], status.get("reason"), status.get("source"), status.get("message"))


def launch_case(
    scheduler: TestScheduler, case: ContainerCase, task_id: str
) -> tuple[requests.Response, dict | None]:
    """Launch the case's task on the next offer: the ACCEPT's response and the task's first
    update (acknowledged; None when the ACCEPT was refused, whose offer is then declined).
    A task that runs is killed before returning."""
    offer = scheduler.next_event("OFFERS", 30)["offers"]["offers"][0]
    task = command_task(offer, task_id, "sleep 30", container=case.container)
    response = scheduler.call(launch_call(offer, [task], refuse_seconds=0.1))
    if response.status_code != 202:
        decline = {"offer_ids": [offer["id"]], "filters": {"refuse_seconds": 0.1}}
        scheduler.call({"type": "DECLINE", "decline": decline})
        return response, None
    first = scheduler.next_event(
        "UPDATE", 30, lambda e: e["update"]["status"]["task_id"]["value"] == task_id
    )["update"]["status"]
    if "uuid" in first:
        scheduler.acknowledge(first)
    if first["state"] not in TERMINAL:
        scheduler.update(task_id, "TASK_RUNNING", 30)
        kill = {"task_id": {"value": task_id}, "agent_id": offer["agent_id"]}
        scheduler.call({"type": "KILL", "kill": kill})
        scheduler.update(task_id, "TASK_KILLED", 30)
    return response, first
