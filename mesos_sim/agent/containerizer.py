"""Tasks the agent cannot launch, and what it answers for them (all from SOURCE_AGENT).

The answers are those real Mesos 1.12's agent sends when started as on loopback and in the
lab (the Mesos containerizer, ``--launcher=posix``, ``--isolation=posix/cpu,posix/mem``, no
``--image_providers``), measured by tests/conformance (the "container images" scenario).
mesos_sim runs command tasks only: never an image, a volume or a Docker container.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """The terminal update a task gets instead of being launched."""

    state: str
    message: str
    reason: str


LaunchCheck = Callable[[dict, list[str]], Refusal | None]


def _docker_unclaimed(info: dict, containerizers: list[str]) -> Refusal | None:
    """No enabled containerizer takes a DOCKER container."""
    container = info.get("container") or {}
    if container.get("type") == "DOCKER" and "docker" not in containerizers:
        return Refusal(
            "TASK_FAILED",
            "Abnormal executor termination: unknown container",
            "REASON_EXECUTOR_TERMINATED",
        )
    return None


def _custom_executor(info: dict, containerizers: list[str]) -> Refusal | None:
    if "executor" in info:
        return Refusal(
            "TASK_FAILED",
            "Failed to launch container: mesos_sim runs command tasks only "
            "(custom executors are not simulated)",
            "REASON_CONTAINER_LAUNCH_FAILED",
        )
    return None


def _docker_not_run(info: dict, containerizers: list[str]) -> Refusal | None:
    """``--containerizers=docker``: real Mesos would run it, mesos_sim runs no Docker."""
    if (info.get("container") or {}).get("type") == "DOCKER":
        return Refusal(
            "TASK_FAILED",
            "Failed to launch container: mesos_sim does not run Docker containers",
            "REASON_CONTAINER_LAUNCH_FAILED",
        )
    return None


def _image(info: dict, containerizers: list[str]) -> Refusal | None:
    """The provisioner has a store only for the types in ``--image_providers`` (none)."""
    image = ((info.get("container") or {}).get("mesos") or {}).get("image")
    if image is not None:
        return Refusal(
            "TASK_FAILED",
            f"Failed to launch container: Unsupported container image type: {image['type']}",
            "REASON_CONTAINER_LAUNCH_FAILED",
        )
    return None


def _volumes(info: dict, containerizers: list[str]) -> Refusal | None:
    """The filesystem/posix isolator (the default without filesystem/linux) mounts none."""
    if (info.get("container") or {}).get("volumes"):
        return Refusal(
            "TASK_FAILED",
            "Failed to launch container: Volumes in ContainerInfo is not supported",
            "REASON_CONTAINER_LAUNCH_FAILED",
        )
    return None


# In the order the agent meets them: containerizer choice, provisioning, isolator prepare.
CHECKS: list[LaunchCheck] = [
    _docker_unclaimed,
    _custom_executor,
    _docker_not_run,
    _image,
    _volumes,
]


def launch_refusal(info: dict, containerizers: list[str]) -> Refusal | None:
    """Why the TaskInfo ``info`` cannot be launched here, or None for a command task."""
    for check in CHECKS:
        refusal = check(info, containerizers)
        if refusal is not None:
            return refusal
    return None
