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
      - Run a Docker image instead of a shell command; the image's own entrypoint and command
        run, with the task's environment (C($PORT0)...).
      - With I(type=docker), the Docker containerizer runs it; agents need
        C(--containerizers=docker,mesos) and a Docker engine (the Vagrant path with real Mesos;
        the local lab has no Docker engine).
      - With I(type=mesos), the Mesos containerizer runs it, no Docker engine needed; agents
        need C(--image_providers=docker) with the C(filesystem/linux) and C(docker/runtime)
        isolators (the mesos_agent role's C(mesos_agent_container_images)). Without CNI the
        container shares the agent's network and listens on the ports taken from the offer.
        mesos_sim validates such tasks as Mesos does and answers C(TASK_FAILED), since it
        cannot run images.
      - Mutually exclusive with I(command).
    type: dict
    suboptions:
      type:
        description: Which containerizer runs the image.
        type: str
        choices: [docker, mesos]
        default: docker
      image:
        description:
          - Docker image, e.g. C(nginx:1.25-alpine). With I(type=mesos) and a local registry
            (C(--docker_registry=<dir>)), C(name:tag) is the archive C(<dir>/name:tag.tar).
        type: str
        required: true
      network:
        description:
          - Network mode. With I(type=docker) any of the choices (default C(bridge)); with
            I(type=mesos) only C(host), the default.
        type: str
        choices: [bridge, host, user, none]
      port_mappings:
        description:
          - With I(type=docker) and I(network=bridge), publish container ports on the agent.
            The I(n)th mapping gets the I(n)th port taken from the offer, so I(ports) must be
            at least the number
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
        description:
          - Pull the image even when the agent has it (with I(type=mesos), the image's
            C(cached) flag turned off).
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

# An image run by the Mesos containerizer (real Mesos, agent with mesos_agent_container_images;
# the local lab's `make image` builds nginx-lab): the image's entrypoint listens on $PORT0.
- name: Launch nginx from the nginx-lab image, no Docker engine involved
  mesoslab.mesos.mesos_task:
    name: nginx-image
    container:
      type: mesos
      image: nginx-lab:latest
    cpus: 0.1
    mem: 64
    ports: 1
    constraints:
      rack: r2d2

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

from ansible_collections.mesoslab.mesos.plugins.module_utils.mesos_module import (
    MASTER_OPTIONS,
    MesosModule,
    client,
)

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
    "type": {"type": "str", "choices": ["docker", "mesos"], "default": "docker"},
    "image": {"type": "str", "required": True},
    "network": {"type": "str", "choices": ["bridge", "host", "user", "none"]},
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
    "offer_timeout": {"type": "float", "default": 30.0},
    "wait": {"type": "bool", "default": True},
    "settle": {"type": "float", "default": 1.0},
    "timeout": {"type": "float", "default": 60.0},
    **MASTER_OPTIONS,
}


def main():
    """Run the module: the client's task engine does the work (mesos_client.desired_task)."""
    module = MesosModule(
        ARGUMENT_SPEC,
        auth_option="framework",
        session_messages=True,
        mutually_exclusive=[("command", "container")],
        required_if=[("state", "present", ("command", "container"), True)],
        supports_check_mode=True,
    )
    module.run(
        lambda access: client.DesiredTask(
            access, module.params, module.check_mode, module.warn
        ).ensure(),
        checks=client.check_task_spec,
    )


if __name__ == "__main__":
    main()
