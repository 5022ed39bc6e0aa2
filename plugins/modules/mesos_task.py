#!/usr/bin/python
"""Ansible module mesos_task: keep one Mesos task running (or gone) through the v1 HTTP API."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mesos_task
short_description: Launch or kill a long-running task on Apache Mesos
description:
  - Makes sure a task with a given id is running on a Mesos cluster (I(state=present)) or is
    not (I(state=absent)), speaking the Mesos v1 scheduler and operator HTTP APIs.
  - The module registers a framework (default name C(mesos-lab)) with a C(failover_timeout), so
    the task outlives the module run. Later runs find that framework by name with the operator
    call C(GET_FRAMEWORKS) and re-subscribe with its id, so the task stays owned by it. The module
    never tears the framework down; use M(mesos_framework) with I(state=absent) for that.
  - A task with the requested id that is C(TASK_STAGING), C(TASK_STARTING) or C(TASK_RUNNING)
    is left alone (C(changed=false)). A task that died (finished, failed, killed, lost) is
    launched again.
  - The task is launched on the first offer whose agent matches I(constraints) and holds the
    requested resources; its working directory is its sandbox (also C($MESOS_SANDBOX)).
    I(ports) ports are taken from the offer and passed to the task as C($PORT0), C($PORT1),
    ... (and C($PORT) = C($PORT0)), the way Marathon does.
  - A running task is not changed when its spec changes (Mesos cannot update a task); the module
    warns. Remove it with I(state=absent), then apply I(state=present) again.
version_added: "1.0.0"
author:
  - mesos-lab contributors
extends_documentation_fragment:
  - mesos
options:
  state:
    description:
      - C(present) launches the task unless it is already staging, starting or running.
      - C(absent) kills the task and waits for C(TASK_KILLED) (bounded by I(timeout)).
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the task, as shown in the Mesos UI.
    type: str
    required: true
  task_id:
    description:
      - Mesos task id. Must be unique within the framework.
      - Defaults to I(name) with every character outside C([A-Za-z0-9._-]) replaced by C(-),
        so the same name always finds the same task.
    type: str
  command:
    description:
      - Shell command the Mesos command executor runs (C(sh -c)). It must stay in the
        foreground for as long as the task is meant to run.
      - The environment holds C(PORT0)... for the ports taken from the offer, C(MESOS_SANDBOX)
        and everything in I(env).
      - Mutually exclusive with I(container); one of the two is required with I(state=present).
    type: str
  container:
    description:
      - Run a Docker image with the Docker containerizer instead of a shell command; the
        image's own entrypoint and command run. Needs agents started with
        C(--containerizers=docker,mesos) and a Docker engine (the Vagrant path with real Mesos;
        the local lab has no Docker engine).
      - Mutually exclusive with I(command).
    type: dict
    suboptions:
      image:
        description: Docker image, e.g. C(nginx:1.25-alpine).
        type: str
        required: true
      network:
        description: Docker network mode.
        type: str
        choices: [bridge, host, user, none]
        default: bridge
      port_mappings:
        description:
          - With I(network=bridge), publish container ports on the agent. The I(n)th mapping
            gets the I(n)th port taken from the offer, so I(ports) must be at least the number
            of mappings.
        type: list
        elements: dict
        default: []
        suboptions:
          container_port:
            description: Port inside the container.
            type: int
            required: true
          protocol:
            description: Protocol of the mapping.
            type: str
            choices: [tcp, udp]
            default: tcp
      force_pull_image:
        description: Pull the image even when the agent has it.
        type: bool
        default: false
  cpus:
    description: CPU shares the task needs.
    type: float
    default: 0.1
  mem:
    description: Memory the task needs, in MB.
    type: float
    default: 32
  disk:
    description: Disk the task needs, in MB (C(0) asks for none).
    type: float
    default: 0
  ports:
    description: How many ports to take from the offer's C(ports) ranges.
    type: int
    default: 0
  env:
    description: Environment variables for the task.
    type: dict
    default: {}
  constraints:
    description:
      - "Agent attributes an offer must have, e.g. C({rack: r2d2, pod: dev})."
      - A C(TEXT) attribute matches when it equals the value or, as a comma-separated list,
        contains it (the agent's C(pod:demo,dev) matches C(pod=dev)); a C(SET) matches when it
        contains the value; a C(SCALAR) when it is numerically equal; C(RANGES) when the value
        (C(5) or C(5-7)) lies in one of them. A list of values must all match.
      - A value may start with an operator instead, C(!=), C(==), C(<), C(<=), C(>), C(>=)
        (numeric, for C(SCALAR) attributes), e.g. C(cores) set to C(>=4).
    type: dict
    default: {}
  framework:
    description: The framework that owns the task.
    type: dict
    default: {}
    suboptions:
      name:
        description:
          - Framework name; the module finds an existing framework by this name and
            re-subscribes as it.
        type: str
        default: mesos-lab
      user:
        description: Unix user the task runs as on the agent.
        type: str
        default: root
      role:
        description: Role the framework subscribes with.
        type: str
        default: "*"
      principal:
        description:
          - Principal of the framework. With I(secret), also the HTTP Basic credentials for
            masters started with C(--authenticate_http_frameworks).
        type: str
      secret:
        description: Secret for I(principal).
        type: str
      failover_timeout:
        description:
          - Seconds Mesos keeps the framework and its tasks after the module disconnects.
            The default is one week; C(0) would kill the task as soon as the module ends.
        type: float
        default: 604800
      checkpoint:
        description: Ask agents to checkpoint the task so it survives an agent restart.
        type: bool
        default: true
  offer_timeout:
    description:
      - Seconds to wait for an offer that matches the constraints and resources. When none
        comes, the module fails and lists the offers it saw and why it turned each down.
    type: float
    default: 30
  wait:
    description:
      - Wait until the task is C(TASK_RUNNING) (I(state=present)) or C(TASK_KILLED)
        (I(state=absent)). With C(false) the module returns once the launch or kill was
        accepted by the master.
    type: bool
    default: true
  settle:
    description:
      - With I(wait), seconds to keep watching the task once it is C(TASK_RUNNING). Mesos
        reports a command C(TASK_RUNNING) as soon as it is started, so a command that exits at
        once (bad configuration, port in use) would otherwise look like a success; if it dies
        within I(settle) seconds the module fails with Mesos's reason. C(0) returns at
        C(TASK_RUNNING).
    type: float
    default: 1
  timeout:
    description: Seconds to wait for the task to reach the state it should be in.
    type: float
    default: 60
notes:
  - Run it on one host per task (a play on C(mesos_masters[0]), C(run_once), or
    C(delegate_to)); runs on several hosts at once would fail each other's framework over.
  - Runs on the target host (usually a master) or delegated to the controller; it needs
    C(requests) there (Debian C(python3-requests)) and C(kazoo) for C(zk://) masters
    (C(python3-kazoo)).
  - The mesos-lab lab runs a simulator (mesos_sim) that speaks the same wire protocol as
    Mesos 1.11; everything here works against real Mesos as well.
attributes:
  check_mode:
    support: full
    description: Reads the cluster state with operator calls; never subscribes or launches.
  diff_mode:
    support: full
    description: Shows the task before and after.
seealso:
  - module: mesos_offer_info
  - module: mesos_info
  - module: mesos_framework
  - name: Mesos scheduler HTTP API
    description: The calls and events this module uses.
    link: https://mesos.apache.org/documentation/latest/scheduler-http-api/
"""

EXAMPLES = r"""
- name: Serve a directory with Python's web server on a port taken from the offer
  mesos_task:
    name: web
    command: python3 -m http.server $PORT0
    ports: 1
  register: web

- name: Show where it runs
  ansible.builtin.debug:
    msg: "http://{{ web.task.hostname }}:{{ web.task.ports[0] }}/"

- name: Launch nginx in the foreground, only on rack r2d2 in the dev pod
  mesos_task:
    name: nginx
    master: zk://192.168.33.10:2181/mesos
    # The sandbox is the working directory; nginx keeps its config, pid and temp files there.
    command: |
      mkdir -p html && echo hello > html/index.html
      printf 'user %s; pid %s/nginx.pid; error_log stderr; events {}
      http { client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp;
      uwsgi_temp_path tmp; scgi_temp_path tmp; server { listen %s; root html; } }' \
        "$(id -un)" "$PWD" "$PORT0" > nginx.conf
      exec nginx -p "$PWD/" -e stderr -c "$PWD/nginx.conf" -g 'daemon off;'
    cpus: 0.2
    mem: 64
    ports: 1
    constraints:
      rack: r2d2
      pod: dev
  register: nginx

- name: Where is it?
  ansible.builtin.debug:
    msg: "http://{{ nginx.task.hostname }}:{{ nginx.task.ports[0] }}/"

# Docker variant (real Mesos on the Vagrant path, agent with --containerizers=docker,mesos):
# the official image listens on 80 inside, mapped to a port from the offer.
- name: Launch the nginx image with the docker containerizer
  mesos_task:
    name: nginx-docker
    master: http://192.168.33.10:5050
    container:
      image: nginx:1.25-alpine
      network: bridge
      port_mappings:
        - container_port: 80
    cpus: 0.2
    mem: 64
    ports: 1
    constraints:
      rack: r2d2

- name: Kill it
  mesos_task:
    name: nginx-docker
    state: absent

- name: Framework with credentials (masters with --authenticate_http_frameworks)
  mesos_task:
    name: web
    command: python3 -m http.server $PORT0
    ports: 1
    framework:
      name: mesos-lab
      principal: mesos-lab
      secret: "{{ vault_mesos_lab_secret }}"
"""

RETURN = r"""
task:
  description:
    - The task after the module ran. With I(state=absent) the killed task, or C({}) when
      there was none.
  returned: always
  type: dict
  contains:
    id:
      description: Task id.
      type: str
      sample: web
    name:
      description: Task name.
      type: str
      sample: web
    state:
      description: Last known Mesos task state.
      type: str
      sample: TASK_RUNNING
    agent_id:
      description: Id of the agent running the task.
      type: str
      sample: 4f1a8d4e-7e43-4bd8-8c79-2b8d2b0a2d41-S0
    hostname:
      description: Host name of that agent, as the agent registered it.
      type: str
      sample: 192.168.33.11
    ports:
      description: Ports taken from the offer, in the order of C($PORT0), C($PORT1), ...
      type: list
      elements: int
      sample: [31000]
    framework_id:
      description: Id of the framework owning the task.
      type: str
      sample: 4f1a8d4e-7e43-4bd8-8c79-2b8d2b0a2d41-0000
    message:
      description: Message of the last status update (e.g. why a task failed).
      type: str
      returned: when Mesos gave one
framework_id:
  description: Id of the framework the module used (or would use).
  returned: when a framework exists or was created
  type: str
matching_agents:
  description: In check mode with I(state=present), host names of the registered agents whose
    attributes satisfy I(constraints) (a warning says so when there is none).
  returned: check mode, when the task would be launched
  type: list
  elements: str
  sample: [192.168.33.11]
offers:
  description:
    - With I(state=present) and a launch, the offers seen before the task was launched and why
      each was turned down. When no offer matched, the module fails with this list.
  returned: when offers were considered
  type: list
  elements: dict
  sample:
    - hostname: 192.168.33.11
      offer_id: 4f1a...-O3
      reason: "attribute rack is 'r1' (wanted 'r2d2')"
"""

import hashlib
import json
import os
import re
import time
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    from ansible.module_utils.mesos_client import (
        Constraint,
        Credentials,
        FrameworkInfo,
        MesosError,
        MesosTimeout,
        OfferRejection,
        OperatorClient,
        ResourceRequest,
        SchedulerSession,
        command_task,
        docker_task,
        explain,
        match_offer,
        needs_kazoo,
        refuse_tls_opt_out,
        resolve_masters,
    )
except ImportError as import_error:
    CLIENT_IMPORT_ERROR = import_error
    CLIENT_IMPORT_TRACE = traceback.format_exc()
else:
    CLIENT_IMPORT_ERROR = None
    CLIENT_IMPORT_TRACE = None

LIVE_STATES = frozenset({"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"})
TERMINAL_STATES = frozenset(
    {
        "TASK_FINISHED",
        "TASK_FAILED",
        "TASK_KILLED",
        "TASK_LOST",
        "TASK_ERROR",
        "TASK_DROPPED",
        "TASK_GONE",
        "TASK_GONE_BY_OPERATOR",
        "TASK_UNKNOWN",
    }
)
TASK_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
SPEC_LABEL = "mesos-lab.spec"
OPERATOR_PREFIXES = ("==", "!=", "<=", ">=", "<", ">", "~")
NUMERIC_OPERATORS = ("LT", "LE", "GT", "GE")
IMPLICIT_OPERATOR = {"SCALAR": "EQ"}  # every other attribute type: CONTAINS
DECLINE_SECONDS = 1.0  # short, so offers we pass over come back while we still wait
OPERATOR_TIMEOUT = 15.0
FRAMEWORK_CREDENTIALS = "framework.principal and framework.secret"


class TaskFailure(Exception):
    """The module cannot do its job; ``details`` go into the failure result."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.details = details


# --- what to launch -----------------------------------------------------------------------


def default_task_id(name):
    """A stable task id for ``name``: characters Mesos ids should avoid become ``-``."""
    return TASK_ID_UNSAFE.sub("-", name.strip()) or "task"


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
    settings = params["framework"]
    return FrameworkInfo(
        user=settings["user"],
        name=settings["name"],
        roles=(settings["role"],),
        failover_timeout=settings["failover_timeout"],
        principal=settings["principal"],
        checkpoint=settings["checkpoint"],
    )


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


# --- what the master knows ----------------------------------------------------------------


def _value(obj, key):
    return (obj.get(key) or {}).get("value")


def _nanoseconds(stamp):
    return stamp.get("nanoseconds", 0) if isinstance(stamp, dict) else 0


def find_framework(frameworks, name):
    """The framework called ``name`` (connected first, then most recently registered)."""
    named = [f for f in frameworks if f.get("framework_info", {}).get("name") == name]
    if not named:
        return None

    def rank(framework):
        registered = max(
            _nanoseconds(framework.get("registered_time")),
            _nanoseconds(framework.get("reregistered_time")),
        )
        return (bool(framework.get("connected")), registered)

    return max(named, key=rank)


def find_task(tasks, framework_id, task_id):
    """The task ``task_id`` of ``framework_id``; a live one wins over completed ones."""
    mine = [
        t
        for t in tasks
        if _value(t, "task_id") == task_id and _value(t, "framework_id") == framework_id
    ]
    live = [t for t in mine if t.get("state") in LIVE_STATES]
    if live:
        return live[0]
    return mine[-1] if mine else None


def agent_hostnames(agents):
    """``{agent_id: hostname}`` from GET_AGENTS."""
    names = {}
    for agent in agents:
        info = agent.get("agent_info", {})
        names[_value(info, "id")] = info.get("hostname", "")
    return names


def task_ports(task):
    """Ports of a v1 Task or TaskInfo, from its ``ports`` resources."""
    ports = []
    for resource in task.get("resources", []):
        if resource.get("name") == "ports":
            for span in resource.get("ranges", {}).get("range", []):
                ports.extend(range(span["begin"], span["end"] + 1))
    return ports


def task_label(task, key):
    """Value of the label ``key`` of a task, or None."""
    for label in (task.get("labels") or {}).get("labels", []):
        if label.get("key") == key:
            return label.get("value")
    return None


def task_view(task, hostnames, framework_id=None, state=None, status=None):
    """The ``task`` return value for a v1 Task (or a just-launched TaskInfo)."""
    agent_id = _value(task, "agent_id")
    view = {
        "id": _value(task, "task_id"),
        "name": task.get("name"),
        "state": state or task.get("state"),
        "agent_id": agent_id,
        "hostname": hostnames.get(agent_id, ""),
        "ports": task_ports(task),
        "framework_id": _value(task, "framework_id") or framework_id,
    }
    statuses = task.get("statuses") or []
    last = status or (statuses[-1] if statuses else {})
    if last.get("message"):
        view["message"] = last["message"]
    return view


class ClusterView:
    """One read of the master: the framework, the task, and the agents' host names."""

    def __init__(self, operator, framework_name, task_id):
        frameworks = operator.get_frameworks()
        self.framework = find_framework(frameworks, framework_name)
        self.framework_id = _value((self.framework or {}).get("framework_info", {}), "id")
        self.agents = operator.get_agents()
        self.hostnames = agent_hostnames(self.agents)
        self.task = None
        if self.framework_id:
            self.task = find_task(operator.get_tasks(), self.framework_id, task_id)

    @property
    def task_state(self):
        """State of the task, or None when there is none."""
        return self.task.get("state") if self.task else None

    def view(self):
        """The task as a return value (``{}`` when there is none)."""
        return task_view(self.task, self.hostnames) if self.task else {}


# --- talking to the master ----------------------------------------------------------------


class Connection:
    """Where the masters are and how to authenticate; makes operator clients and sessions."""

    def __init__(self, params, environ):
        self.masters = resolve_masters(params["master"], environ)
        settings = params["framework"]
        self.credentials = None
        if settings["principal"] and settings["secret"]:
            self.credentials = Credentials(settings["principal"], settings["secret"])
        self.ca_path = params["ca_path"]
        self.timeout = params["timeout"]

    def operator(self):
        """An OperatorClient for read-only calls."""
        return OperatorClient(
            self.masters,
            credentials=self.credentials,
            ca_path=self.ca_path,
            timeout=min(self.timeout, OPERATOR_TIMEOUT),
        )

    def session(self, framework, framework_id):
        """A SchedulerSession that re-subscribes as ``framework_id`` when it is known."""
        return SchedulerSession(
            self.masters,
            framework,
            credentials=self.credentials,
            ca_path=self.ca_path,
            framework_id=framework_id,
            reconnect_timeout=self.timeout,
        )

    def read(self, framework_name, task_id):
        """A ClusterView."""
        with self.operator() as operator:
            return ClusterView(operator, framework_name, task_id)


def _decline_offers(session, event):
    ids = [offer["id"] for offer in event.offers]
    if ids:
        session.decline(ids, DECLINE_SECONDS)


def _ignore(session, event):
    """Events that need nothing from us while we wait (acknowledged by the session)."""


#: What to do with events that are not the one being waited for.
SKIPPED_EVENT_HANDLERS = {"OFFERS": _decline_offers}


def skip_handler(session):
    """``on_skip`` for SchedulerSession.wait_for, dispatching through the table above."""
    return lambda event: SKIPPED_EVENT_HANDLERS.get(event.type, _ignore)(session, event)


class OfferSearch:
    """Looks through OFFERS events for the first offer the task fits."""

    def __init__(self, params):
        self.spec = params["constraints"]
        self.request = resource_request(params)
        self.rejections = []

    def consider(self, session, offers):
        """The first OfferMatch among ``offers`` (the others are declined), or None."""
        match = None
        unused = []
        for offer in offers:
            if match is not None:
                unused.append(offer["id"])
                continue
            constraints = constraints_for(self.spec, offer.get("attributes", []))
            result = match_offer(offer, self.request, constraints)
            if isinstance(result, OfferRejection):
                self.rejections.append(
                    {
                        "offer_id": result.offer_id,
                        "hostname": result.hostname,
                        "reason": result.reason,
                    }
                )
                unused.append(offer["id"])
            else:
                match = result
        if unused:
            session.decline(unused, DECLINE_SECONDS)
        return match

    def find(self, session, timeout):
        """Wait up to ``timeout`` seconds for a fitting offer; TaskFailure if none comes."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = session.wait_for("OFFERS", remaining)
            except MesosTimeout:
                break
            match = self.consider(session, event.offers)
            if match is not None:
                return match
        raise TaskFailure(self.failure_message(timeout), offers=self.rejections)

    def failure_message(self, timeout):
        """Why no offer fit, one line per distinct (agent, reason)."""
        if not self.rejections:
            return (
                f"no offer arrived within offer_timeout={timeout:g}s: no agent registered, "
                "all resources in use, or none offered to this framework's role"
            )
        seen = {}
        for rejection in self.rejections:
            key = (rejection["hostname"], rejection["reason"])
            seen[key] = seen.get(key, 0) + 1
        lines = [
            f"{host or '?'}: {reason} ({count} offer(s))" for (host, reason), count in seen.items()
        ]
        return f"no offer matched within offer_timeout={timeout:g}s; offers seen: " + "; ".join(
            lines
        )


def wait_for_update(session, task_id, wanted, timeout, failing=TERMINAL_STATES):
    """Wait for an UPDATE of ``task_id`` reaching one of ``wanted``; return its status.

    An update reaching a state in ``failing`` (and not in ``wanted``) raises TaskFailure with
    Mesos's state, reason and message.
    """
    deadline = time.monotonic() + timeout
    last = {}
    on_skip = skip_handler(session)

    def ours(event):
        return _value(event.status, "task_id") == task_id

    while (remaining := deadline - time.monotonic()) > 0:
        try:
            event = session.wait_for("UPDATE", remaining, predicate=ours, on_skip=on_skip)
        except MesosTimeout:
            break
        last = event.status
        state = last.get("state")
        if state in wanted:
            return last
        if state in failing:
            raise TaskFailure(
                f"task {task_id} went {state}"
                + "".join(
                    f"; {key}: {last[key]}"
                    for key in ("reason", "source", "message")
                    if last.get(key)
                ),
                status=last,
            )
    where = f" (last state {last.get('state')})" if last else ""
    raise TaskFailure(
        f"task {task_id} did not reach {'/'.join(sorted(wanted))} within {timeout:g}s{where}",
        status=last,
    )


def settle(session, task_id, seconds):
    """Watch a running task for ``seconds``: a command that dies at once fails the module."""
    if seconds <= 0:
        return
    try:
        wait_for_update(session, task_id, frozenset(), seconds)
    except TaskFailure as exc:
        if exc.details.get("status", {}).get("state") in TERMINAL_STATES:
            raise
        # Still running when the time was up: that is what we wanted.


def acknowledge_leftover(session, task):
    """Acknowledge the terminal update of a dead task so its id can be used again.

    Mesos keeps a terminal task (and refuses its id as a duplicate) until its last status
    update is acknowledged; the agent re-sends it only every few seconds.
    """
    uuid = task.get("status_update_uuid")
    if not uuid or task.get("state") not in TERMINAL_STATES:
        return
    try:
        session.acknowledge(_value(task, "agent_id"), _value(task, "task_id"), uuid)
    except MesosError:
        return  # already acknowledged (or the agent is gone): the launch will tell


def launch(params, connection, cluster, task_id):
    """Subscribe as the framework, launch on the first fitting offer; return the result."""
    session = connection.session(framework_info(params), cluster.framework_id)
    search = OfferSearch(params)
    try:
        subscription = session.subscribe(timeout=params["timeout"])
        if cluster.task is not None:
            acknowledge_leftover(session, cluster.task)
        session.revive()  # a framework re-used across runs may still have offer filters
        match = search.find(session, params["offer_timeout"])
        info = build_task_info(params, task_id, match)
        session.launch([match.offer_id], [info], DECLINE_SECONDS)
        state, status = "TASK_STAGING", {}
        if params["wait"]:
            status = wait_for_update(session, task_id, {"TASK_RUNNING"}, params["timeout"])
            state = status["state"]
            settle(session, task_id, params["settle"])
    finally:
        session.close()  # never a teardown: the framework and its task must live on
    hostnames = dict(cluster.hostnames)
    hostnames[match.agent_id] = match.hostname
    view = task_view(info, hostnames, subscription.framework_id, state, status)
    return {"task": view, "framework_id": subscription.framework_id, "offers": search.rejections}


def kill(params, connection, cluster):
    """Subscribe as the task's framework, KILL it and (with ``wait``) wait until it is dead."""
    task = cluster.task
    task_id = _value(task, "task_id")
    session = connection.session(framework_info(params), cluster.framework_id)
    try:
        session.subscribe(timeout=params["timeout"])
        session.suppress()  # no offers needed; the next launch revives
        session.kill(task_id, _value(task, "agent_id"))
        state, status = "TASK_KILLING", {}
        if params["wait"]:
            status = wait_for_update(
                session, task_id, TERMINAL_STATES, params["timeout"], failing=frozenset()
            )
            state = status["state"]
    finally:
        session.close()
    return task_view(task, cluster.hostnames, cluster.framework_id, state, status)


# --- state: present / absent --------------------------------------------------------------


def spec_warning(task, params):
    """A warning when the running task was launched from a different spec."""
    launched = task_label(task, SPEC_LABEL)
    if launched and launched != spec_fingerprint(params):
        return (
            f"task {_value(task, 'task_id')} runs with a different spec than requested; Mesos "
            "cannot change a running task: use state=absent, then state=present to replace it"
        )
    return None


def matching_agents(cluster, params):
    """Host names of registered agents whose attributes satisfy the constraints."""
    found = []
    for agent in cluster.agents:
        info = agent.get("agent_info", {})
        attributes = info.get("attributes", [])
        constraints = constraints_for(params["constraints"], attributes)
        if all(c.check(attributes) is None for c in constraints):
            found.append(info.get("hostname", ""))
    return found


def port_warning(params):
    """A warning when ports are taken but the command never reads them."""
    command = params["command"]
    if params["ports"] > 0 and command and "PORT" not in command:
        return (
            f"ports={params['ports']} but the command never mentions $PORT0 (or $PORT, $PORTS); "
            "if you ran this ad hoc inside double quotes, your shell replaced $PORT0 before "
            "Ansible saw it: quote -a '...' with single quotes"
        )
    return None


def ensure_present(module, connection, task_id):
    """state=present."""
    params = module.params
    warning = port_warning(params)
    if warning:
        module.warn(warning)
    cluster = connection.read(params["framework"]["name"], task_id)
    before = cluster.view()
    if cluster.task_state in LIVE_STATES:
        warning = spec_warning(cluster.task, params)
        if warning:
            module.warn(warning)
        return {
            "changed": False,
            "task": before,
            "framework_id": cluster.framework_id,
            "diff": {"before": before, "after": before},
        }
    after = planned_view(params, task_id)
    diff = {"before": before, "after": after}
    if module.check_mode:
        agents = matching_agents(cluster, params)
        if not agents:
            module.warn("no registered agent has attributes matching the constraints")
        return {
            "changed": True,
            "task": after,
            "framework_id": cluster.framework_id,
            "matching_agents": agents,
            "diff": diff,
            "msg": f"would launch task {task_id}",
        }
    result = launch(params, connection, cluster, task_id)
    diff["after"] = dict(after, **result["task"])
    return dict(result, changed=True, diff=diff)


def ensure_absent(module, connection, task_id):
    """state=absent."""
    params = module.params
    cluster = connection.read(params["framework"]["name"], task_id)
    before = cluster.view()
    if cluster.task_state not in LIVE_STATES | {"TASK_KILLING"}:
        return {
            "changed": False,
            "task": {},
            "framework_id": cluster.framework_id,
            "diff": {"before": {}, "after": {}},
        }
    diff = {"before": before, "after": {}}
    if module.check_mode:
        return {
            "changed": True,
            "task": before,
            "framework_id": cluster.framework_id,
            "diff": diff,
            "msg": f"would kill task {task_id}",
        }
    task = kill(params, connection, cluster)
    return {"changed": True, "task": task, "framework_id": cluster.framework_id, "diff": diff}


STATE_HANDLERS = {"present": ensure_present, "absent": ensure_absent}


# --- the module ---------------------------------------------------------------------------

FRAMEWORK_OPTIONS = {
    "name": {"type": "str", "default": "mesos-lab"},
    "user": {"type": "str", "default": "root"},
    "role": {"type": "str", "default": "*"},
    "principal": {"type": "str"},
    "secret": {"type": "str", "no_log": True},
    "failover_timeout": {"type": "float", "default": 604800.0},
    "checkpoint": {"type": "bool", "default": True},
}

CONTAINER_OPTIONS = {
    "image": {"type": "str", "required": True},
    "network": {
        "type": "str",
        "choices": ["bridge", "host", "user", "none"],
        "default": "bridge",
    },
    "port_mappings": {
        "type": "list",
        "elements": "dict",
        "default": [],
        "options": {
            "container_port": {"type": "int", "required": True},
            "protocol": {"type": "str", "choices": ["tcp", "udp"], "default": "tcp"},
        },
    },
    "force_pull_image": {"type": "bool", "default": False},
}

ARGUMENT_SPEC = {
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "name": {"type": "str", "required": True},
    "task_id": {"type": "str"},
    "command": {"type": "str"},
    "container": {"type": "dict", "options": CONTAINER_OPTIONS},
    "cpus": {"type": "float", "default": 0.1},
    "mem": {"type": "float", "default": 32.0},
    "disk": {"type": "float", "default": 0.0},
    "ports": {"type": "int", "default": 0},
    "env": {"type": "dict", "default": {}},
    "constraints": {"type": "dict", "default": {}},
    "framework": {
        "type": "dict",
        "default": {},
        "options": FRAMEWORK_OPTIONS,
        "required_by": {"secret": "principal"},
    },
    "master": {"type": "raw"},
    "offer_timeout": {"type": "float", "default": 30.0},
    "wait": {"type": "bool", "default": True},
    "settle": {"type": "float", "default": 1.0},
    "timeout": {"type": "float", "default": 60.0},
    "validate_certs": {"type": "bool", "default": True},
    "ca_path": {"type": "path"},
}


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_params(params):
    """Checks argument_spec cannot express; raises TaskFailure."""
    for name in ("cpus", "mem", "disk", "ports", "offer_timeout", "timeout", "settle"):
        if params[name] < 0:
            raise TaskFailure(f"{name} must not be negative (got {params[name]:g})")
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
    if params["ca_path"] and not os.path.exists(params["ca_path"]):
        raise TaskFailure(f"ca_path {params['ca_path']} does not exist")
    if params["command"] is not None and not params["command"].strip():
        raise TaskFailure("command must not be empty")
    refuse_tls_opt_out(params["validate_certs"])
    try:
        constraints = constraints_for(params["constraints"], [])
    except ValueError as exc:
        raise TaskFailure(f"bad constraints: {exc}") from None
    for constraint in constraints:
        if constraint.operator in NUMERIC_OPERATORS and not _is_number(constraint.value):
            raise TaskFailure(
                f"bad constraints: {constraint.attribute} is compared with "
                f"{constraint.value!r}, which is not a number"
            )


def main():
    """Run the module."""
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[("command", "container")],
        required_if=[("state", "present", ("command", "container"), True)],
        supports_check_mode=True,
    )
    if CLIENT_IMPORT_ERROR is not None:
        module.fail_json(
            msg=missing_required_lib(CLIENT_IMPORT_ERROR.name or "requests"),
            exception=CLIENT_IMPORT_TRACE,
        )
    params = module.params
    task_id = params["task_id"] or default_task_id(params["name"])
    masters = params["master"]
    try:
        check_params(params)
        connection = Connection(params, os.environ)
        masters = connection.masters
        if needs_kazoo(masters):
            module.fail_json(msg=missing_required_lib("kazoo"), task_id=task_id)
        result = STATE_HANDLERS[params["state"]](module, connection, task_id)
    except TaskFailure as exc:
        module.fail_json(msg=str(exc), task_id=task_id, **exc.details)
    except MesosError as exc:
        message = explain(
            exc, masters, credential_options=FRAMEWORK_CREDENTIALS, session_messages=True
        )
        module.fail_json(msg=message, task_id=task_id)
    except (ValueError, OSError) as exc:
        # The client refuses bad values (ids, timeouts, URLs) and TLS files it cannot read.
        module.fail_json(msg=f"invalid setting: {exc}", task_id=task_id)
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
