#!/usr/bin/python
# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ansible module mesos_task: keep one Mesos task running (or gone) through the v1 HTTP API."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: mesos_task
short_description: Launch or kill a long-running task on Apache Mesos
description:
  - Makes sure exactly one copy of a task with a given name is running on a Mesos cluster
    (I(state=present)) or none is (I(state=absent)), speaking the Mesos v1 scheduler and
    operator HTTP APIs.
  - The module registers a framework (default name C(mesos-lab)) with a C(failover_timeout), so
    the task outlives the module run. Later runs find that framework by name with the operator
    call C(GET_FRAMEWORKS) and re-subscribe with its id, so the task stays owned by it. The module
    never tears down a framework that existed before it ran (use
    M(mesoslab.mesos.mesos_framework) with I(state=absent) for that); a framework it registered
    itself is torn down again when the run fails without a live task, so a failed run leaves
    nothing registered.
  - Every option is checked before the masters are contacted.
  - The task is found by its name (C(TaskInfo.name)) among the tasks of that framework; every
    launch gets a fresh task id, C(<name>.<8 hex digits>) (see I(task_id)). A live copy
    (C(TASK_STAGING), C(TASK_STARTING) or C(TASK_RUNNING)) is left alone (C(changed=false)).
    When every copy died (finished, failed, killed, lost) a new one is launched.
  - When more than one copy is live, which happens when an agent that was unreachable comes
    back (Mesos re-adds its tasks as running, and the task was relaunched elsewhere meanwhile),
    the module keeps one and kills the others (C(changed=true), their ids in
    RV(killed_task_ids)). It keeps a C(TASK_RUNNING) copy before a staging or starting one,
    then one launched from the requested spec, then the one that has been running longest
    (earliest C(TASK_RUNNING) status), then the smallest task id.
  - Terminal status updates of dead copies that were never acknowledged are acknowledged,
    every one of them, so Mesos can forget those copies.
  - The task is launched on the first offer whose agent matches I(constraints) and holds the
    requested resources; its working directory is its sandbox (also C($MESOS_SANDBOX)).
    I(ports) ports are taken from the offer and passed to the task as C($PORT0), C($PORT1),
    ... (and C($PORT) = C($PORT0)), the way Marathon does.
  - A running task is not changed when its spec changes (Mesos cannot update a task); the module
    warns. Remove it with I(state=absent), then apply I(state=present) again.
version_added: "1.0.0"
author:
  - mesos-lab maintainers (@mesoslab)
extends_documentation_fragment:
  - mesoslab.mesos.mesos
options:
  state:
    description:
      - C(present) launches the task unless it is already staging, starting or running.
      - C(absent) kills every live copy of the task and waits until each is dead (bounded by
        I(timeout)).
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
      - A fixed Mesos task id; the module then finds the task by this id instead of by name,
        and every launch uses it.
      - Without it (recommended), each launch uses a fresh id, I(name) with every character
        outside C([A-Za-z0-9._-]) replaced by C(-), a dot and 8 hex digits. A fixed id cannot be
        relaunched while Mesos still holds a copy of it as unreachable (its agent partitioned
        or down, not yet removed for good); Mesos refuses that launch with C(TASK_ERROR)
        C(Task reuses the ID of an unreachable task), and the module fails with that message.
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
        (numeric, for C(SCALAR) attributes) or C(~) (contains), e.g. C(cores) set to C(>=4).
        A value starting with C(=), C(!), C(<), C(>) or C(~) that is not one of these
        operators (C(=~r2d2)) is refused.
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
  - module: mesoslab.mesos.mesos_offer_info
  - module: mesoslab.mesos.mesos_info
  - module: mesoslab.mesos.mesos_framework
  - name: Mesos scheduler HTTP API
    description: The calls and events this module uses.
    link: https://mesos.apache.org/documentation/latest/scheduler-http-api/
"""

EXAMPLES = r"""
- name: Serve a directory with Python's web server on a port taken from the offer
  mesoslab.mesos.mesos_task:
    name: web
    command: python3 -m http.server $PORT0
    ports: 1
  register: web

- name: Show where it runs
  ansible.builtin.debug:
    msg: "http://{{ web.task.hostname }}:{{ web.task.ports[0] }}/"

- name: Launch nginx in the foreground, only on rack r2d2 in the dev pod
  mesoslab.mesos.mesos_task:
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
  mesoslab.mesos.mesos_task:
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
  mesoslab.mesos.mesos_task:
    name: nginx-docker
    state: absent

- name: Framework with credentials (masters with --authenticate_http_frameworks)
  mesoslab.mesos.mesos_task:
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
    - The task after the module ran, the copy that runs (launched, or kept when more than one
      was live). With I(state=absent) the killed copy, or C({}) when there was none.
  returned: always
  type: dict
  contains:
    id:
      description:
        - The actual Mesos task id of this copy (fresh for every launch unless I(task_id) was
          given).
      type: str
      sample: web.3f9c2a1b
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
killed_task_ids:
  description:
    - Ids of the copies killed (or, in check mode, that would be killed). With
      I(state=present) the extra live copies; with I(state=absent) every live copy.
  returned: when copies were killed
  type: list
  elements: str
  sample: [web.0a1b2c3d]
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
import time
import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params, missing_required_lib

try:
    from ansible_collections.mesoslab.mesos.plugins.module_utils.mesos_client import (
        REQUESTS_IMPORT_ERROR,
        REQUESTS_IMPORT_TRACE,
        Constraint,
        FrameworkInfo,
        MesosError,
        MesosTimeout,
        OfferRejection,
        ResourceRequest,
        check_arguments,
        command_task,
        copies_of,
        docker_task,
        explain,
        fresh_task_id,
        latest,
        live,
        master_access,
        match_offer,
        needs_kazoo,
        pick_keeper,
        unacknowledged_terminal,
    )
    from ansible_collections.mesoslab.mesos.plugins.module_utils.mesos_client.task_copies import (
        KILLABLE_STATES,
        LIVE_STATES,
        TERMINAL_STATES,
    )
except ImportError as import_error:
    CLIENT_IMPORT_ERROR = import_error
    CLIENT_IMPORT_TRACE = traceback.format_exc()

    def check_arguments(_raw, spec):
        """Without the client only ansible-core checks the arguments (the module fails)."""
        return None, spec

    LIVE_STATES = KILLABLE_STATES = TERMINAL_STATES = frozenset()  # main() fails first

else:
    CLIENT_IMPORT_ERROR = REQUESTS_IMPORT_ERROR  # None when requests is there
    CLIENT_IMPORT_TRACE = REQUESTS_IMPORT_TRACE

TASK_LISTS = ("pending_tasks", "tasks", "unreachable_tasks", "completed_tasks")
SPEC_LABEL = "mesos-lab.spec"
OPERATOR_PREFIXES = ("==", "!=", "<=", ">=", "<", ">", "~")
OPERATOR_CHARACTERS = ("=", "!", "<", ">", "~")  # a value starting so means an operator
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
    for mapping, wire in zip(mappings, info["container"]["docker"].get("port_mappings", [])):
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
    """One read of the master: the framework, every copy of the task, the agents' host names.

    The copies are the framework's tasks named ``name`` (or, with an explicit ``task_id``, with
    that id). ``keeper`` is the live copy to keep (see ``pick_keeper``), ``extras`` the other
    live ones, ``leftovers`` the dead ones whose last update was never acknowledged.
    """

    def __init__(self, operator, params, live_states=LIVE_STATES):
        frameworks = operator.get_frameworks()
        self.framework = find_framework(frameworks, params["framework"]["name"])
        self.framework_id = _value((self.framework or {}).get("framework_info", {}), "id")
        self.agents = operator.get_agents()
        self.hostnames = agent_hostnames(self.agents)
        self.copies = []
        self.leftovers = []
        if self.framework_id:
            answer = operator.call("GET_TASKS")
            listed = [t for key in TASK_LISTS for t in answer.get(key, [])]
            self.copies = copies_of(listed, self.framework_id, params["name"], params["task_id"])
            # Only ``tasks`` holds terminal tasks whose update is not acknowledged yet;
            # ``completed_tasks`` keep their (acknowledged) last uuid too.
            held = copies_of(
                answer.get("tasks", []), self.framework_id, params["name"], params["task_id"]
            )
            self.leftovers = unacknowledged_terminal(held)
        fingerprint = spec_fingerprint(params)
        running = live(self.copies, live_states)
        self.task = pick_keeper(running, lambda t: task_label(t, SPEC_LABEL) == fingerprint)
        self.extras = [t for t in running if t is not self.task]

    def view(self):
        """The kept copy as a return value (``{}`` when there is none)."""
        return task_view(self.task, self.hostnames) if self.task else {}


# --- talking to the master ----------------------------------------------------------------


class Connection:
    """The checked master access; makes operator clients and sessions for the task's framework."""

    def __init__(self, access):
        self.access = access
        self.masters = access.masters
        self.timeout = access.timeout

    def operator(self):
        """An OperatorClient for read-only calls."""
        return self.access.operator(timeout=min(self.timeout, OPERATOR_TIMEOUT))

    def session(self, framework, framework_id):
        """A SchedulerSession that re-subscribes as ``framework_id`` when it is known."""
        return self.access.session(
            framework, framework_id=framework_id, reconnect_timeout=self.timeout
        )

    def read(self, params, live_states=LIVE_STATES):
        """A ClusterView of the task ``params`` describe."""
        with self.operator() as operator:
            return ClusterView(operator, params, live_states)


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


def acknowledge_leftovers(session, tasks):
    """Acknowledge the terminal update of every dead copy that still waits for one.

    Mesos keeps a terminal task (and refuses its id as a duplicate) until its last status
    update is acknowledged; the agent re-sends it only every few seconds. A copy lost and
    relaunched earlier leaves one such entry per copy, so every one is acknowledged.
    """
    for task in tasks:
        try:
            session.acknowledge(
                _value(task, "agent_id"), _value(task, "task_id"), task["status_update_uuid"]
            )
        except MesosError:
            continue  # already acknowledged (or its agent is gone): nothing is blocked by it


def wait_until_dead(session, task_ids, timeout):
    """Wait for a terminal UPDATE of every id in ``task_ids``; return ``{task_id: status}``.

    Ids still alive when ``timeout`` runs out are missing from the answer.
    """
    pending = set(task_ids)
    dead = {}
    deadline = time.monotonic() + timeout
    on_skip = skip_handler(session)

    def pending_update(event):
        return _value(event.status, "task_id") in pending

    while pending and (remaining := deadline - time.monotonic()) > 0:
        try:
            event = session.wait_for("UPDATE", remaining, pending_update, on_skip)
        except MesosTimeout:
            break
        if event.status.get("state") in TERMINAL_STATES:
            task_id = _value(event.status, "task_id")
            dead[task_id] = event.status
            pending.discard(task_id)
    return dead


def kill_copies(params, connection, cluster, tasks):
    """Subscribe as the framework, KILL every task in ``tasks``, and (with ``wait``) wait until
    each is dead; return ``{task_id: status}`` (``{}`` without ``wait``).

    A copy that does not die within ``timeout`` fails the module, naming it.
    """
    ids = [_value(task, "task_id") for task in tasks]
    session = connection.session(framework_info(params), cluster.framework_id)
    try:
        session.subscribe(timeout=params["timeout"])
        session.suppress()  # no offers needed; the next launch revives
        acknowledge_leftovers(session, cluster.leftovers)
        for task in tasks:
            session.kill(_value(task, "task_id"), _value(task, "agent_id"))
        if not params["wait"]:
            return {}
        dead = wait_until_dead(session, ids, params["timeout"])
    finally:
        session.close()
    alive = [task_id for task_id in ids if task_id not in dead]
    if alive:
        raise TaskFailure(
            f"task(s) {', '.join(alive)} not dead within {params['timeout']:g}s after KILL",
            killed_task_ids=ids,
        )
    return dead


def launch(params, connection, cluster, task_id):
    """Subscribe as the framework, launch on the first fitting offer; return the result.

    A framework this run registered is torn down again when the run fails with no live task
    (nothing to keep it for); one that existed before is always left as it was.
    """
    session = connection.session(framework_info(params), cluster.framework_id)
    search = OfferSearch(params)
    task_may_live = False
    try:
        subscription = session.subscribe(timeout=params["timeout"])
        acknowledge_leftovers(session, cluster.leftovers)
        session.revive()  # a framework re-used across runs may still have offer filters
        match = search.find(session, params["offer_timeout"])
        info = build_task_info(params, task_id, match)
        session.launch([match.offer_id], [info], DECLINE_SECONDS)
        task_may_live = True
        state, status = "TASK_STAGING", {}
        if params["wait"]:
            status = wait_for_update(session, task_id, {"TASK_RUNNING"}, params["timeout"])
            state = status["state"]
            settle(session, task_id, params["settle"])
    except TaskFailure as exc:
        if exc.details.get("status", {}).get("state") in TERMINAL_STATES:
            task_may_live = False  # it died: nothing for a new framework to keep
        raise
    finally:
        close_session(session, teardown=cluster.framework_id is None and not task_may_live)
    hostnames = dict(cluster.hostnames)
    hostnames[match.agent_id] = match.hostname
    view = task_view(info, hostnames, subscription.framework_id, state, status)
    return {"task": view, "framework_id": subscription.framework_id, "offers": search.rejections}


def close_session(session, teardown):
    """Close ``session``; with ``teardown``, TEARDOWN its framework first if it can be done.

    Never a teardown of a framework with a live task: the task must live on.
    """
    try:
        session.close(teardown=teardown)
    except MesosError:
        session.close()  # the failure being reported matters more than the leftover


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


def _ids(tasks):
    return [_value(task, "task_id") for task in tasks]


def keep_one_copy(module, connection, cluster):
    """state=present with more than one live copy (an agent came back): KILL all but the kept
    one; the result is that one."""
    kept = cluster.view()
    extra_ids = _ids(cluster.extras)
    diff = {"before": dict(kept, extra_copies=extra_ids), "after": kept}
    result = {
        "changed": True,
        "task": kept,
        "framework_id": cluster.framework_id,
        "killed_task_ids": extra_ids,
        "diff": diff,
    }
    if module.check_mode:
        return dict(result, msg=f"would kill extra copies {', '.join(extra_ids)}")
    kill_copies(module.params, connection, cluster, cluster.extras)
    return dict(result, msg=f"killed extra copies {', '.join(extra_ids)}")


def launch_copy(module, connection, cluster):
    """state=present with no live copy: launch one under a fresh task id (or the given one)."""
    params = module.params
    task_id = params["task_id"] or fresh_task_id(params["name"])
    before = task_view(latest(cluster.copies), cluster.hostnames) if cluster.copies else {}
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
            "msg": f"would launch task {params['name']} as {task_id}",
        }
    try:
        result = launch(params, connection, cluster, task_id)
    except TaskFailure as exc:
        exc.details.setdefault("task_id", task_id)
        raise
    diff["after"] = dict(after, **result["task"])
    return dict(result, changed=True, diff=diff)


def ensure_present(module, connection):
    """state=present: exactly one live copy of the task."""
    params = module.params
    warning = port_warning(params)
    if warning:
        module.warn(warning)
    cluster = connection.read(params)
    if cluster.task is None:
        return launch_copy(module, connection, cluster)
    warning = spec_warning(cluster.task, params)
    if warning:
        module.warn(warning)
    if cluster.extras:
        return keep_one_copy(module, connection, cluster)
    before = cluster.view()
    return {
        "changed": False,
        "task": before,
        "framework_id": cluster.framework_id,
        "diff": {"before": before, "after": before},
    }


def ensure_absent(module, connection):
    """state=absent: KILL every live copy of the task."""
    params = module.params
    cluster = connection.read(params, live_states=KILLABLE_STATES)
    targets = [cluster.task, *cluster.extras] if cluster.task else []
    if not targets:
        return {
            "changed": False,
            "task": {},
            "framework_id": cluster.framework_id,
            "diff": {"before": {}, "after": {}},
        }
    before = cluster.view()
    result = {
        "changed": True,
        "task": before,
        "framework_id": cluster.framework_id,
        "killed_task_ids": _ids(targets),
        "diff": {"before": before, "after": {}},
    }
    if module.check_mode:
        return dict(result, msg=f"would kill {', '.join(_ids(targets))}")
    dead = kill_copies(params, connection, cluster, targets)
    status = dead.get(before["id"], {})
    state = status.get("state", "TASK_KILLING")
    result["task"] = task_view(cluster.task, cluster.hostnames, cluster.framework_id, state, status)
    return result


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
    "tls": {"type": "bool"},
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


def check_params(params):
    """Checks argument_spec cannot express, before anything is contacted; raise TaskFailure."""
    check_numbers(params)
    check_texts(params)
    check_constraints(params["constraints"])


def main():
    """Run the module."""
    problem, spec = check_arguments(_load_params(), ARGUMENT_SPEC)
    module = AnsibleModule(
        argument_spec=spec,
        mutually_exclusive=[("command", "container")],
        required_if=[("state", "present", ("command", "container"), True)],
        supports_check_mode=True,
    )
    if CLIENT_IMPORT_ERROR is not None:
        module.fail_json(
            msg=missing_required_lib(CLIENT_IMPORT_ERROR.name or "requests"),
            exception=CLIENT_IMPORT_TRACE,
        )
    if problem:
        module.fail_json(msg=problem)
    params = module.params
    masters = params["master"]
    try:
        check_params(params)
        access = master_access(params, os.environ, auth=params["framework"])
        masters = access.masters
        if needs_kazoo(masters):
            module.fail_json(msg=missing_required_lib("kazoo"))
        result = STATE_HANDLERS[params["state"]](module, Connection(access))
    except TaskFailure as exc:
        module.fail_json(msg=str(exc), **exc.details)
    except (MesosError, ValueError, OSError) as exc:
        message = explain(
            exc, masters, credential_options=FRAMEWORK_CREDENTIALS, session_messages=True
        )
        module.fail_json(msg=message)
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
