# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""TaskInfo for a command task, a Docker container or a Mesos-containerizer image, built
from an :class:`OfferMatch`.

The task's resources are exactly the match's (a subset of the offer), and its ports are
published to the process as ``PORT0..PORTn``, ``PORT`` (= ``PORT0``) and ``PORTS``
(comma-separated), the convention Marathon established.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from .offers import OfferMatch, Resource


def new_task_id(name: str) -> str:
    """A unique task id: ``<name>.<uuid4>``."""
    return f"{name}.{uuid.uuid4()}"


def port_environment(ports: Sequence[int]) -> dict[str, str]:
    """``{"PORT0": "31000", ..., "PORT": "31000", "PORTS": "31000,31001"}``."""
    env = {f"PORT{index}": str(port) for index, port in enumerate(ports)}
    if ports:
        env["PORT"] = str(ports[0])
        env["PORTS"] = ",".join(str(port) for port in ports)
    return env


def _environment(ports: Sequence[int], env: Mapping[str, str] | None) -> dict[str, Any]:
    variables = port_environment(ports)
    variables.update({str(k): str(v) for k, v in (env or {}).items()})
    return {"variables": [{"name": k, "value": v} for k, v in variables.items()]}


def _command(
    command: str | Sequence[str] | None,
    ports: Sequence[int],
    env: Mapping[str, str] | None,
    uris: Sequence[str],
    user: str | None,
) -> dict[str, Any]:
    info: dict[str, Any] = {"environment": _environment(ports, env)}
    if command is None:
        info["shell"] = False  # run the image's entrypoint
    elif isinstance(command, str):
        if not command.strip():
            raise ValueError("command must not be empty")
        info["shell"] = True
        info["value"] = command
    else:
        argv = [str(arg) for arg in command]
        if not argv:
            raise ValueError("command argv must not be empty")
        info["shell"] = False
        info["value"] = argv[0]
        info["arguments"] = argv
    if uris:
        info["uris"] = [{"value": uri} for uri in uris]
    if user:
        info["user"] = user
    return info


def _base(match: OfferMatch, name: str, task_id: str | None) -> dict[str, Any]:
    if not name:
        raise ValueError("a task needs a name")
    check_resources_subset(match.resources, match.offer)
    return {
        "name": name,
        "task_id": {"value": task_id or new_task_id(name)},
        "agent_id": {"value": match.agent_id},
        "resources": [dict(r) for r in match.resources],
    }


def command_task(
    match: OfferMatch,
    name: str,
    command: str | Sequence[str],
    *,
    task_id: str | None = None,
    env: Mapping[str, str] | None = None,
    uris: Sequence[str] = (),
    user: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """TaskInfo for a command (a shell string, or an argv list run without a shell)."""
    task = _base(match, name, task_id)
    task["command"] = _command(command, match.ports, env, uris, user)
    _add_labels(task, labels)
    return task


def docker_task(
    match: OfferMatch,
    name: str,
    image: str,
    *,
    container_ports: Sequence[int] = (),
    protocol: str = "tcp",
    network: str = "BRIDGE",
    command: str | Sequence[str] | None = None,
    task_id: str | None = None,
    env: Mapping[str, str] | None = None,
    force_pull: bool = False,
    privileged: bool = False,
    parameters: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """TaskInfo for a Docker container; ``container_ports[i]`` is published on ``ports[i]``.

    Needs ``--containerizers=docker,mesos`` on the agent. In BRIDGE network mode every
    container port needs an offered host port, so the match must hold at least as many.
    """
    if not image:
        raise ValueError("a Docker task needs an image")
    if network not in ("BRIDGE", "HOST", "USER", "NONE"):
        raise ValueError(f"unknown Docker network {network!r}")
    if len(container_ports) > len(match.ports):
        raise ValueError(
            f"{len(container_ports)} container ports but only {len(match.ports)} host ports"
        )
    task = _base(match, name, task_id)
    docker: dict[str, Any] = {
        "image": image,
        "network": network,
        "force_pull_image": force_pull,
        "privileged": privileged,
    }
    if container_ports:
        docker["port_mappings"] = [
            {"host_port": host, "container_port": int(container), "protocol": protocol}
            for host, container in zip(match.ports, container_ports)
        ]
    if parameters:
        docker["parameters"] = [{"key": k, "value": v} for k, v in parameters.items()]
    task["container"] = {"type": "DOCKER", "docker": docker}
    task["command"] = _command(command, match.ports, env, (), None)
    _add_labels(task, labels)
    return task


def mesos_image_task(
    match: OfferMatch,
    name: str,
    image: str,
    *,
    command: str | Sequence[str] | None = None,
    task_id: str | None = None,
    env: Mapping[str, str] | None = None,
    cached: bool = True,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """TaskInfo for a Docker image run by the Mesos containerizer (no Docker engine).

    Needs agents with ``--image_providers=docker`` (and the ``filesystem/linux`` and
    ``docker/runtime`` isolators). Without CNI the container shares the agent's network:
    the task listens on the ports taken from the offer (``$PORT0``...). With no
    ``command`` the image's entrypoint runs.
    """
    if not image:
        raise ValueError("an image task needs an image")
    task = _base(match, name, task_id)
    task["container"] = {
        "type": "MESOS",
        "mesos": {"image": {"type": "DOCKER", "docker": {"name": image}, "cached": cached}},
    }
    task["command"] = _command(command, match.ports, env, (), None)
    _add_labels(task, labels)
    return task


def _add_labels(task: dict[str, Any], labels: Mapping[str, str] | None) -> None:
    if labels:
        task["labels"] = {"labels": [{"key": k, "value": v} for k, v in labels.items()]}


def _key(resource: Mapping[str, Any]) -> tuple[str, str]:
    """Identity of a resource apart from its amount (name, role, reservations, ...)."""
    rest = {k: v for k, v in resource.items() if k not in ("scalar", "ranges", "set")}
    return resource.get("name", ""), repr(sorted(rest.items()))


def check_resources_subset(resources: Sequence[Resource], offer: Mapping[str, Any]) -> None:
    """Raise ValueError unless ``resources`` fit inside the offer's resources."""
    offered_scalar: dict[tuple[str, str], float] = {}
    offered_ports: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for resource in offer.get("resources", []):
        key = _key(resource)
        if "scalar" in resource:
            offered_scalar[key] = offered_scalar.get(key, 0.0) + resource["scalar"]["value"]
        if "ranges" in resource:
            spans = [(r["begin"], r["end"]) for r in resource["ranges"].get("range", [])]
            offered_ports.setdefault(key, []).extend(spans)
    used: dict[tuple[str, str], float] = {}
    for resource in resources:
        key = _key(resource)
        if "scalar" in resource:
            used[key] = used.get(key, 0.0) + resource["scalar"]["value"]
            if used[key] > offered_scalar.get(key, 0.0) + 1e-9:
                raise ValueError(f"task uses more {key[0]} than the offer has")
        for rng in resource.get("ranges", {}).get("range", []):
            spans = offered_ports.get(key, [])
            if not any(b <= rng["begin"] and rng["end"] <= e for b, e in spans):
                raise ValueError(
                    f"task {key[0]} {rng['begin']}-{rng['end']} are not inside the offer"
                )
