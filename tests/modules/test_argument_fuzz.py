"""Fuzzed bad arguments: each gives ``failed`` with a ``msg`` naming the option, no traceback.

Cases come from every module's real argument_spec (see fuzz_cases.py) plus semantic cases
that argument_spec cannot express. All cases of one module run as the tasks of ONE
``ansible-playbook`` run against a mesos_sim master on loopback, which must stay untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from mesos_client import OperatorClient

from tests.support.sim import SimCluster

from .ansible_run import AnsibleRun, fqcn, playbook
from .fuzz_cases import (
    CLUSTER_CONTACT,
    MODULE_NAMES,
    Case,
    load_spec,
    rule_cases,
    spec_cases,
    with_known_symptom,
)
from .sim_setup import agent_resources

MASTER = "{{ fuzz_master }}"
# "Module failed:" is how ansible-core 2.19 reports an unhandled exception in a module.
TRACEBACK_MARKERS = ("Traceback", "MODULE FAILURE", "Module failed:")
TRACE_FIELDS = ("msg", "module_stderr", "module_stdout", "exception")
# Result keys a module only returns after talking to the cluster.
CLUSTER_EVIDENCE = ("offers", "framework_id", "status", "task", "agents", "frameworks", "tasks")

# Smallest valid arguments per module: each case breaks exactly one thing on top of these.
BASE_ARGS: dict[str, dict[str, Any]] = {
    "mesos_task": {"name": "fuzz", "command": "true", "master": MASTER, "timeout": 10},
    "mesos_offer_info": {"master": MASTER, "timeout": 2},
    "mesos_info": {"master": MASTER},
    "mesos_framework": {"name": "fuzz", "master": MASTER},
}
# Valid values for dict parents (keyed by dotted path) so a suboption case breaks only itself.
PARENTS: dict[str, Any] = {
    "container": {"image": "nginx"},
    "container.port_mappings": [{"container_port": 80}],
    "command": "true",
}
BAD_MASTERS = {"not-a-url": "not a url", "zk-no-path": "zk://", "no-host": "http://:5050"}
MISSING_CA = "/nonexistent/mesos-lab-fuzz/ca.pem"


def _semantic(module: str, label: str, put: dict[str, Any], *names: str) -> Case:
    return Case(module, f"semantic-{label}", {**BASE_ARGS[module], **put}, names)


def semantic_cases() -> list[Case]:
    """Values of the right type that are still wrong; argument_spec cannot say so."""
    cases = []
    for module in MODULE_NAMES:
        for label, master in BAD_MASTERS.items():
            cases.append(_semantic(module, f"master-{label}", {"master": master}, "master"))
        cases.append(
            _semantic(module, "validate_certs-false", {"validate_certs": False}, "validate_certs")
        )
        cases.append(_semantic(module, "ca_path-missing", {"ca_path": MISSING_CA}, "ca_path"))
        cases.append(_semantic(module, "master-list-non-string", {"master": [MASTER, 5]}, "master"))
    for option in ("cpus", "mem", "disk", "ports", "offer_timeout", "timeout", "settle"):
        cases.append(_semantic("mesos_task", f"{option}-negative", {option: -1}, option))
    cases += [
        _semantic("mesos_task", "offer_timeout-zero", {"offer_timeout": 0}, "offer_timeout"),
        _semantic("mesos_task", "name-empty", {"name": ""}, "name"),
        _semantic("mesos_task", "timeout-zero", {"timeout": 0}, "timeout"),
        _semantic("mesos_task", "env-value-list", {"env": {"A": ["x"]}}, "env.A"),
        _semantic("mesos_task", "framework-user-empty", {"framework": {"user": " "}}, "user"),
        _semantic(
            "mesos_task",
            "constraints-value-dict",
            {"constraints": {"rack": {"fuzz": "dict"}}},
            "constraints",
        ),
        _semantic(
            "mesos_task", "constraints-bang", {"constraints": {"rack": "!r2d2"}}, "constraints"
        ),
        _semantic("mesos_task", "command-empty", {"command": ""}, "command"),
        _semantic("mesos_task", "cpus-and-mem-zero", {"cpus": 0, "mem": 0}, "cpus", "mem"),
        _semantic(
            "mesos_task",
            "constraints-bad-operator",
            {"constraints": {"rack": "=~r2d2"}},
            "constraints",
        ),
        _semantic(
            "mesos_task",
            "failover_timeout-negative",
            {"framework": {"failover_timeout": -1}},
            "failover_timeout",
        ),
        _semantic("mesos_framework", "name-empty", {"name": ""}, "name"),
        _semantic("mesos_framework", "role-empty", {"role": ""}, "role"),
        _semantic(
            "mesos_framework",
            "failover_timeout-negative",
            {"failover_timeout": -1},
            "failover_timeout",
        ),
        _semantic("mesos_framework", "timeout-zero", {"timeout": 0}, "timeout"),
        _semantic("mesos_framework", "timeout-negative", {"timeout": -1}, "timeout"),
        _semantic("mesos_info", "timeout-zero", {"timeout": 0}, "timeout"),
        _semantic("mesos_info", "timeout-negative", {"timeout": -1}, "timeout"),
        _semantic("mesos_offer_info", "timeout-zero", {"timeout": 0}, "timeout"),
        _semantic("mesos_offer_info", "timeout-negative", {"timeout": -1}, "timeout"),
        _semantic("mesos_offer_info", "framework-name-empty", {"framework": {"name": ""}}, "name"),
    ]
    return cases


def all_cases() -> list[Case]:
    """Spec-derived and semantic cases for every module."""
    cases = []
    for module in MODULE_NAMES:
        spec = load_spec(module)
        cases += spec_cases(spec, BASE_ARGS[module], PARENTS)
        cases += rule_cases(spec, BASE_ARGS[module], PARENTS)
    return [with_known_symptom(case) for case in cases + semantic_cases()]


CASES = all_cases()


def problems(case: Case, result: dict[str, Any] | None) -> list[str]:
    """Why ``result`` is not a clean rejection of ``case`` (empty when it is)."""
    if result is None:
        return ["no result for this task in the playbook output"]
    found = []
    if result.get("failed") is not True:
        found.append("not failed")
    for field in TRACE_FIELDS:
        text = str(result.get(field, ""))
        found += [f"{marker!r} in {field}" for marker in TRACEBACK_MARKERS if marker in text]
    found += [
        f"result has {key!r}: it reached the cluster" for key in CLUSTER_EVIDENCE if key in result
    ]
    msg = str(result.get("msg", ""))
    found += [f"msg does not name {name!r}" for name in case.names if name not in msg]
    return found


def write_playbook(path: Path, cases: list[Case]) -> Path:
    """One play per module on localhost: one task per case, errors ignored, results registered."""
    plays = []
    for module in MODULE_NAMES:
        tasks = [
            {
                "name": case.case_id,
                fqcn(module): case.args,
                "ignore_errors": True,
                "register": "result",
            }
            for case in cases
            if case.module == module
        ]
        if tasks:
            plays.append(
                {
                    "name": f"fuzz {module}",
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": tasks,
                }
            )
    path.write_text(json.dumps(plays, indent=1))
    return path


def results_by_name(output: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Task name -> localhost result, from the JSON callback output."""
    found = {}
    for play in output.get("plays", []):
        for task in play.get("tasks", []):
            found[task["task"]["name"]] = task["hosts"].get("localhost", {})
    return found


# One run holds about 60 module calls: ~120 s on a quiet 2-core machine, and the 180 s bound of
# a single ansible run was seen to run out when the machine was busy.
CASES_RUN_TIMEOUT = 600.0


def run_cases(workdir: Path, label: str, cases: list[Case], url: str) -> AnsibleRun:
    """All ``cases`` in one ansible-playbook run against the master at ``url``."""
    book = write_playbook(workdir / f"{label}.json", cases)
    return playbook(book, extra_vars={"fuzz_master": url}, timeout=CASES_RUN_TIMEOUT)


def run_halves(workdir: Path, label: str, cases: list[Case], url: str) -> list[AnsibleRun]:
    """``cases`` split over two concurrent ansible-playbook runs."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(run_cases, workdir, f"{label}-{half}", cases[half::2], url)
            for half in (0, 1)
        ]
        return [future.result() for future in futures]


def cluster_contents(url: str) -> dict[str, Any]:
    """Frameworks (registered and completed) and tasks the master knows."""
    with OperatorClient(url, timeout=10) as operator:
        frameworks = operator.call("GET_FRAMEWORKS")
        return {
            "frameworks": frameworks.get("frameworks", []),
            "completed_frameworks": frameworks.get("completed_frameworks", []),
            "tasks": operator.get_tasks(),
        }


@pytest.fixture(scope="module")
def fuzz_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run every case against one fresh sim cluster; yield results and what the master held.

    Clean cases run in two parallel playbooks; the cluster is read; only then do the known
    failures run (some of them do reach the cluster).
    """
    workdir = tmp_path_factory.mktemp("fuzz")
    late = [c for c in CASES if c.xfail or c.case_id in CLUSTER_CONTACT]
    clean = [c for c in CASES if c not in late]
    with SimCluster(resources=agent_resources()) as cluster:
        cluster.wait_for_agents()
        url = cluster.leader_url()
        runs = run_halves(workdir, "clean", clean, url)
        contents = cluster_contents(url)
        if late:
            runs += run_halves(workdir, "late", late, url)
        results: dict[str, dict[str, Any]] = {}
        for run in runs:
            results.update(results_by_name(run.output))
        yield {"runs": runs, "results": results, "contents": contents}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
        for c in CASES
    ],
    ids=[c.case_id for c in CASES],
)
def test_bad_argument_is_rejected_cleanly(case: Case, fuzz_runs: dict[str, Any]) -> None:
    result = fuzz_runs["results"].get(case.case_id)
    found = problems(case, result)
    assert not found, f"{case.case_id} args={case.args}: {found}\nresult={result}"


def test_every_case_ran(fuzz_runs: dict[str, Any]) -> None:
    assert sum(len(run.results()) for run in fuzz_runs["runs"]) == len(CASES)
    for run in fuzz_runs["runs"]:
        assert "Traceback" not in run.stderr, run.describe()


def test_cluster_unchanged_by_bad_arguments(fuzz_runs: dict[str, Any]) -> None:
    contents = fuzz_runs["contents"]
    assert contents == {"frameworks": [], "completed_frameworks": [], "tasks": []}, contents


@pytest.mark.parametrize(
    ("result", "why"),
    [
        (
            {"failed": True, "msg": "MODULE FAILURE", "module_stderr": "Traceback (most"},
            "Traceback",
        ),
        ({"failed": True, "msg": "value of state must be one of: a"}, "not name"),
        (
            {"failed": True, "msg": "Task failed: Module failed: bad operand (name)"},
            "Module failed",
        ),
        ({"changed": False, "msg": "state"}, "not failed"),
        ({"failed": True, "msg": "bad name", "offers": []}, "reached the cluster"),
        (None, "no result"),
    ],
)
def test_checker_catches_bad_results(result: dict[str, Any] | None, why: str) -> None:
    case = Case("mesos_task", "self-check", {}, ("name",))
    assert any(why in problem for problem in problems(case, result))
