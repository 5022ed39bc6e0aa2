"""The task engine: exactly one live copy of a task (or none), as the mesos_task module keeps it.

Given the masters (a :class:`~.access.MasterAccess`) and a task spec (:func:`~.task_spec.task_spec`
or the module's options), :class:`DesiredTask` reads the master once, then

* present: keeps the live copy :func:`~.task_copies.pick_keeper` chooses (RUNNING before
  staging, spec match, longest running, smallest id) and KILLs the others; with none, finds or
  registers the framework, launches on the first offer the task fits and waits for RUNNING;
* absent: KILLs every live copy;

acknowledging dead copies' last updates on the way. The result says what was done
(``changed``, ``task``, ``framework_id``, ``killed_task_ids``, ``msg``), in check mode what
would be (``matching_agents`` too); ``diff`` holds the task before and after. Nothing here
imports Ansible.
"""

from __future__ import annotations

import warnings

from .errors import MesosError, TaskFailure
from .task_cluster import Connection, task_label, task_view
from .task_copies import KILLABLE_STATES, TERMINAL_STATES, fresh_task_id, latest
from .task_spec import (
    SPEC_LABEL,
    build_task_info,
    check_task_spec,
    constraints_for,
    framework_info,
    planned_view,
    spec_fingerprint,
)
from .task_waits import (
    DECLINE_SECONDS,
    OfferSearch,
    acknowledge_leftovers,
    settle,
    wait_for_update,
    wait_until_dead,
)


def _value(obj, key):
    return (obj.get(key) or {}).get("value")


class DesiredTask:
    """Brings the cluster to ``spec``: one live copy (``state: present``) or none (``absent``).

    ``warn`` receives warnings (a spec that differs from the running copy's, ports the command
    never reads, no agent matching in check mode); by default they are collected in
    :attr:`warnings` and issued as :class:`UserWarning`.
    """

    def __init__(self, access, spec, check_mode=False, warn=None):
        self.params = spec
        self.check_mode = check_mode
        self.warnings = []
        self._warn = warn
        self.connection = Connection(access)

    def warn(self, message):
        """Pass on one warning."""
        self.warnings.append(message)
        if self._warn is not None:
            self._warn(message)
        else:
            warnings.warn(message, UserWarning, stacklevel=3)

    def ensure(self):
        """Do (or, in check mode, plan) what ``spec["state"]`` asks; return the result dict.

        Raises:
            TaskFailure: the task cannot be brought there (``details`` say which copies,
                statuses and offers were involved).
            MesosError: the masters could not be reached or refused a call.
        """
        check_task_spec(self.params)
        if self.params["state"] == "absent":
            return ensure_absent(self, self.connection)
        return ensure_present(self, self.connection)


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


def keep_one_copy(run, connection, cluster):
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
    why = f"kept {kept['id']} ({_why_kept(cluster, run.params)})"
    if run.check_mode:
        return dict(result, msg=f"would kill extra copies {', '.join(extra_ids)}; {why}")
    kill_copies(run.params, connection, cluster, cluster.extras)
    return dict(result, msg=f"killed extra copies {', '.join(extra_ids)}; {why}")


def _why_kept(cluster, params):
    """Which of pick_keeper's rules made the kept copy win."""
    task = cluster.task
    reasons = [task.get("state", "?")]
    launched = task_label(task, SPEC_LABEL)
    if launched is not None:
        reasons.append("spec matches" if launched == spec_fingerprint(params) else "other spec")
    reasons.append("running longest, then smallest id, among those")
    return ", ".join(reasons)


def launch_copy(run, connection, cluster):
    """state=present with no live copy: launch one under a fresh task id (or the given one)."""
    params = run.params
    task_id = params["task_id"] or fresh_task_id(params["name"])
    before = task_view(latest(cluster.copies), cluster.hostnames) if cluster.copies else {}
    after = planned_view(params, task_id)
    diff = {"before": before, "after": after}
    if run.check_mode:
        agents = matching_agents(cluster, params)
        if not agents:
            run.warn("no registered agent has attributes matching the constraints")
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


def ensure_present(run, connection):
    """state=present: exactly one live copy of the task."""
    params = run.params
    warning = port_warning(params)
    if warning:
        run.warn(warning)
    cluster = connection.read(params)
    if cluster.task is None:
        return launch_copy(run, connection, cluster)
    warning = spec_warning(cluster.task, params)
    if warning:
        run.warn(warning)
    if cluster.extras:
        return keep_one_copy(run, connection, cluster)
    before = cluster.view()
    return {
        "changed": False,
        "task": before,
        "framework_id": cluster.framework_id,
        "diff": {"before": before, "after": before},
        "msg": f"task {params['name']} runs as {before['id']} ({before['state']}): nothing to do",
    }


def ensure_absent(run, connection):
    """state=absent: KILL every live copy of the task."""
    params = run.params
    cluster = connection.read(params, live_states=KILLABLE_STATES)
    targets = [cluster.task, *cluster.extras] if cluster.task else []
    if not targets:
        return {
            "changed": False,
            "task": {},
            "framework_id": cluster.framework_id,
            "diff": {"before": {}, "after": {}},
            "msg": f"no live copy of task {params['name']}: nothing to do",
        }
    before = cluster.view()
    result = {
        "changed": True,
        "task": before,
        "framework_id": cluster.framework_id,
        "killed_task_ids": _ids(targets),
        "diff": {"before": before, "after": {}},
    }
    if run.check_mode:
        return dict(result, msg=f"would kill {', '.join(_ids(targets))}")
    dead = kill_copies(params, connection, cluster, targets)
    status = dead.get(before["id"], {})
    state = status.get("state", "TASK_KILLING")
    result["task"] = task_view(cluster.task, cluster.hostnames, cluster.framework_id, state, status)
    result["msg"] = f"killed {', '.join(_ids(targets))}"
    return result
