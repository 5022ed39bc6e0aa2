"""What one task should be: its options (the mesos_task module's, as a dict), checked before
anything is contacted, and what they turn into: the TaskInfo to launch, the FrameworkInfo
that owns it, the offer it needs, and a fingerprint stored as a label to spot changed specs.

:func:`task_spec` fills in the defaults for callers that are not the module.
"""

from __future__ import annotations

import copy
import hashlib
import json

from .errors import TaskFailure
from .framework import FrameworkInfo
from .offers import Constraint, ResourceRequest
from .taskinfo import command_task, docker_task, mesos_image_task

SPEC_LABEL = "mesos-lab.spec"
OPERATOR_PREFIXES = ("==", "!=", "<=", ">=", "<", ">", "~")
OPERATOR_CHARACTERS = ("=", "!", "<", ">", "~")  # a value starting so means an operator
NUMERIC_OPERATORS = ("LT", "LE", "GT", "GE")
IMPLICIT_OPERATOR = {"SCALAR": "EQ"}  # every other attribute type: CONTAINS

#: The mesos_task module's defaults (its argument_spec holds the same).
FRAMEWORK_DEFAULTS = {
    "name": "mesos-lab",
    "user": "root",
    "role": "*",
    "principal": None,
    "secret": None,
    "failover_timeout": 604800.0,
    "checkpoint": True,
}
TASK_DEFAULTS = {
    "state": "present",
    "task_id": None,
    "command": None,
    "container": None,
    "cpus": 0.1,
    "mem": 32.0,
    "disk": 0.0,
    "ports": 0,
    "env": {},
    "constraints": {},
    "offer_timeout": 30.0,
    "wait": True,
    "settle": 1.0,
    "timeout": 60.0,
}
CONTAINER_DEFAULTS = {
    "type": "docker",
    "network": None,
    "port_mappings": [],
    "force_pull_image": False,
}
#: The network each containerizer uses when none is given (the Mesos containerizer, without
#: CNI, can only share the agent's).
DEFAULT_NETWORK = {"docker": "bridge", "mesos": "host"}


def task_spec(name, **options):
    """A complete spec for :class:`~.desired_task.DesiredTask`: ``name`` and ``options`` (the
    mesos_task module's: ``command``, ``cpus``, ``ports``, ``framework={...}``, ...) over
    the module's defaults."""
    unknown = set(options) - set(TASK_DEFAULTS) - {"framework"}
    if unknown:
        raise TaskFailure(f"unknown task option(s): {', '.join(sorted(unknown))}")
    spec = copy.deepcopy(TASK_DEFAULTS)
    spec.update(copy.deepcopy(options), name=name)
    spec["framework"] = dict(FRAMEWORK_DEFAULTS, **(options.get("framework") or {}))
    if spec["container"]:
        spec["container"] = dict(CONTAINER_DEFAULTS, **spec["container"])
        spec["container"]["port_mappings"] = [
            {"protocol": "tcp", **mapping} for mapping in spec["container"]["port_mappings"]
        ]
    return spec


def normalise_container(params):
    """Fill in the container's network from its type (in place), so the fingerprint and the
    diff show what runs."""
    container = params.get("container")
    if container:
        container.setdefault("type", "docker")
        if not container.get("network"):
            container["network"] = DEFAULT_NETWORK.get(container["type"], "bridge")


def spec_fingerprint(params):
    """Hash of everything that defines the task, stored as a label to spot changed specs."""
    keys = ("command", "container", "cpus", "mem", "disk", "ports", "env", "constraints")
    spec = {key: params.get(key) for key in keys}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]


def _constraint_values(wanted):
    if isinstance(wanted, list):
        return [str(item).strip() for item in wanted]
    text = str(wanted).strip()
    if text.startswith(OPERATOR_PREFIXES):
        return [text]
    return [part.strip() for part in text.split(",") if part.strip()]


def constraints_for(spec, attributes):
    """Client Constraints for the ``constraints`` option, given an agent's attributes.

    A plain value means "contains" (TEXT lists, SETs, RANGES) or "equals" (SCALARs); a value
    starting with an operator (``>=4``) is parsed as written.
    """
    kinds = {attribute.get("name"): attribute.get("type") for attribute in attributes}
    constraints = []
    for name, wanted in spec.items():
        for value in _constraint_values(wanted):
            if value.startswith(OPERATOR_PREFIXES):
                constraints.append(Constraint.parse(f"{name}{value}"))
            else:
                operator = IMPLICIT_OPERATOR.get(kinds.get(name), "CONTAINS")
                constraints.append(Constraint(str(name), operator, value))
    return constraints


def resource_request(params):
    """The client's ResourceRequest for the task."""
    return ResourceRequest(
        cpus=params["cpus"], mem=params["mem"], disk=params["disk"], ports=params["ports"]
    )


def build_task_info(params, task_id, match):
    """The TaskInfo to LAUNCH on an OfferMatch (command task or Docker container)."""
    labels = {SPEC_LABEL: spec_fingerprint(params)}
    env = {str(k): str(v) for k, v in (params["env"] or {}).items()}
    container = params["container"]
    if not container:
        return command_task(
            match, params["name"], params["command"], task_id=task_id, env=env, labels=labels
        )
    if container["type"] == "mesos":
        return mesos_image_task(
            match,
            params["name"],
            container["image"],
            task_id=task_id,
            env=env,
            cached=not container["force_pull_image"],
            labels=labels,
        )
    mappings = container["port_mappings"] or []
    info = docker_task(
        match,
        params["name"],
        container["image"],
        container_ports=[m["container_port"] for m in mappings],
        network=container["network"].upper(),
        task_id=task_id,
        env=env,
        force_pull=container["force_pull_image"],
        labels=labels,
    )
    for mapping, wire in zip(
        mappings, info["container"]["docker"].get("port_mappings", []), strict=True
    ):
        wire["protocol"] = mapping["protocol"]
    return info


def framework_info(params):
    """FrameworkInfo of the long-lived framework that owns the task."""
    return FrameworkInfo.from_options(params["framework"])


def planned_view(params, task_id):
    """What the task will look like once launched (the ``after`` of a diff)."""
    view = {
        "id": task_id,
        "name": params["name"],
        "state": "TASK_RUNNING",
        "framework": params["framework"]["name"],
        "cpus": params["cpus"],
        "mem": params["mem"],
        "disk": params["disk"],
        "ports": params["ports"],
        "constraints": params["constraints"],
        "env": params["env"],
    }
    if params["container"]:
        view["container"] = params["container"]
    else:
        view["command"] = params["command"]
    return view


# --- checks -----------------------------------------------------------------------------


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_numbers(params):
    """Negative amounts and timeouts, and tasks asking for nothing."""
    for name in ("cpus", "mem", "disk", "ports", "offer_timeout", "timeout", "settle"):
        if params[name] < 0:
            raise TaskFailure(f"{name} must not be negative (got {params[name]:g})")
    if params["offer_timeout"] == 0:
        raise TaskFailure("offer_timeout must be positive: no offer can arrive within 0s")
    if params["state"] == "present" and params["cpus"] <= 0 and params["mem"] <= 0:
        raise TaskFailure("a task needs some cpus or mem")
    mappings = (params["container"] or {}).get("port_mappings") or []
    if len(mappings) > params["ports"]:
        raise TaskFailure(
            f"container.port_mappings has {len(mappings)} entries but ports={params['ports']}: "
            "every mapping needs a port from the offer"
        )
    if params["framework"]["failover_timeout"] < 0:
        raise TaskFailure("framework.failover_timeout must not be negative")


def check_texts(params):
    """Empty names and commands (ansible-core turns a null given for a string into ""), and
    environment values that are not text."""
    texts = {
        "name": params["name"],
        "command": params["command"],
        **{f"framework.{key}": params["framework"][key] for key in ("name", "user", "role")},
    }
    for name, text in texts.items():
        if text is not None and not text.strip():
            raise TaskFailure(f"{name} must not be empty")
    for key, value in (params["env"] or {}).items():
        if not isinstance(value, (str, int, float, bool)):
            raise TaskFailure(f"env.{key} must be a string or a number, not {type(value).__name__}")


def check_constraints(spec):
    """Values that are not text, unknown operators, numeric operators on non-numbers."""
    for name, wanted in spec.items():
        for value in wanted if isinstance(wanted, list) else [wanted]:
            if not isinstance(value, (str, int, float, bool)):
                raise TaskFailure(
                    f"bad constraints: {name} must be a value or a list of values, "
                    f"not {type(value).__name__}"
                )
            text = str(value).strip()
            if text.startswith(OPERATOR_CHARACTERS) and not text.startswith(OPERATOR_PREFIXES):
                raise TaskFailure(
                    f"bad constraints: {name} value {text!r} starts with an unknown operator; "
                    f"known: {', '.join(OPERATOR_PREFIXES)} (or a plain value)"
                )
    try:
        constraints = constraints_for(spec, [])
    except ValueError as exc:
        raise TaskFailure(f"bad constraints: {exc}") from None
    for constraint in constraints:
        if constraint.operator in NUMERIC_OPERATORS and not _is_number(constraint.value):
            raise TaskFailure(
                f"bad constraints: {constraint.attribute} is compared with "
                f"{constraint.value!r}, which is not a number"
            )


def check_container(params):
    """The Mesos containerizer without CNI: the agent's network, no port mappings."""
    container = params.get("container")
    if not container or container.get("type") != "mesos":
        return
    if container.get("network") not in (None, "", "host"):
        raise TaskFailure(
            f"container.network={container['network']} needs type=docker: the Mesos "
            "containerizer (type=mesos) shares the agent's network (host); the task listens "
            "on the ports taken from the offer ($PORT0...)"
        )
    if container.get("port_mappings"):
        raise TaskFailure(
            "container.port_mappings needs type=docker: with type=mesos the task shares the "
            "agent's network and listens on the offered ports ($PORT0...) itself"
        )


def check_task_spec(params):
    """Checks an argument spec cannot express, made before anything is contacted; raises
    TaskFailure naming the option."""
    check_container(params)
    normalise_container(params)
    check_numbers(params)
    check_texts(params)
    check_constraints(params["constraints"])
