"""What the master knows about one task: its framework, every copy of it, the agents' host
names; and the connection the engine reads and subscribes through."""

from __future__ import annotations

from .task_copies import LIVE_STATES, copies_of, live, pick_keeper, unacknowledged_terminal
from .task_spec import SPEC_LABEL, spec_fingerprint

TASK_LISTS = ("pending_tasks", "tasks", "unreachable_tasks", "completed_tasks")
OPERATOR_TIMEOUT = 15.0


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
