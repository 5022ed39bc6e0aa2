"""common::validation::validateContainerInfo: what the master checks of a ContainerInfo.

Only volumes and the DOCKER type are checked here (as in Mesos 1.12). An image, its type and
whether the message of that type is set are not: a MESOS container with an image of any
type reaches the agent, whose provisioner refuses the types it has no store for
(mesos_sim/agent/containerizer.py). Required fields (an image's ``type``, a docker image's
``name``, a volume's ``mode``...) are refused before, when the JSON is converted (400).
"""

from __future__ import annotations

from collections.abc import Callable

# Volume.Source.type -> the field that type needs (validateVolume's switch).
SOURCE_FIELDS = {
    "DOCKER_VOLUME": ("docker_volume", "DOCKER_VOLUME volume"),
    "HOST_PATH": ("host_path", "HOST_PATH volume"),
    "SANDBOX_PATH": ("sandbox_path", "SANDBOX_PATH volume"),
    "SECRET": ("secret", "SECRET volume"),
    "CSI_VOLUME": ("csi_volume", "CSI volume"),
}


def _source(source: dict) -> str | None:
    needed = SOURCE_FIELDS.get(source.get("type", "UNKNOWN"))
    if needed is None:
        return "'source.type' is unknown"
    name, what = needed
    if name not in source:
        return f"'source.{name}' is not set for {what}"
    if name == "csi_volume" and source[name].get("static_provisioning") is None:
        return "'source.csi_volume.static_provisioning' is not set for CSI volume"
    return None


def validate_volume(volume: dict) -> str | None:
    """common::validation::validateVolume."""
    if sum(name in volume for name in ("host_path", "image", "source")) != 1:
        return "Only one of them should be set: 'host_path', 'image' and 'source'"
    if "source" in volume:
        return _source(volume["source"])
    return None


def _docker(container: dict) -> str | None:
    if container.get("type") != "DOCKER":
        return None
    docker = container.get("docker")
    if docker is None:
        return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo"
    if any(p.get("key") == "name" for p in docker.get("parameters", [])):
        return "Parameter in DockerInfo must not be 'name'"
    return None


def _volumes(container: dict) -> str | None:
    for volume in container.get("volumes", []):
        error = validate_volume(volume)
        if error:
            return f"Invalid volume: {error}"
    return None


# In validateContainerInfo's order.
CHECKS: list[Callable[[dict], str | None]] = [_volumes, _docker]


def validate_container_info(container: dict) -> str | None:
    """The first error of ``container`` (without the caller's "Task's ..." prefix)."""
    for check in CHECKS:
        error = check(container)
        if error:
            return error
    return None
