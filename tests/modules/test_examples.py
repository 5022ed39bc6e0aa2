"""The modules' EXAMPLES are valid, use only real options, and the nginx one really serves."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .ansible_run import REPO_ROOT, adhoc, fqcn
from .cluster_checks import http_body

BIN = Path(sys.executable).parent
MODULES = ("mesos_task", "mesos_info", "mesos_offer_info", "mesos_framework")


def module_strings(module: str) -> dict[str, str]:
    """DOCUMENTATION, EXAMPLES and RETURN of a module, read without importing it."""
    tree = ast.parse((REPO_ROOT / "plugins" / "modules" / f"{module}.py").read_text())
    return {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("DOCUMENTATION", "EXAMPLES", "RETURN")
    }


def example_tasks(module: str) -> list[dict]:
    """Every example task that calls ``module``."""
    tasks = yaml.safe_load(module_strings(module)["EXAMPLES"])
    return [task for task in tasks if fqcn(module) in task]


def documented_options(module: str) -> dict:
    """The options as ansible-doc renders them, doc fragments merged in."""
    out = subprocess.run(
        [str(BIN / "ansible-doc"), "--json", fqcn(module)],
        cwd=REPO_ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg")},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)[fqcn(module)]["doc"]["options"]


@pytest.mark.parametrize("module", MODULES)
def test_examples_use_documented_options(module: str) -> None:
    options = documented_options(module)
    tasks = example_tasks(module)
    assert tasks, f"{module} has no example"
    for task in tasks:
        args = task[fqcn(module)] or {}
        unknown = set(args) - set(options)
        assert not unknown, f"{task['name']}: unknown options {unknown}"
        for name, value in args.items():
            suboptions = options[name].get("suboptions")
            if suboptions and isinstance(value, dict):
                assert not set(value) - set(suboptions), f"{task['name']}: {name}.{value}"


@pytest.mark.skipif(shutil.which("nginx") is None, reason="apt-get install nginx-light")
def test_nginx_example_serves(shared_master) -> None:
    master = shared_master
    (task,) = [t for t in example_tasks("mesos_task") if t[fqcn("mesos_task")]["name"] == "nginx"]
    args = dict(task[fqcn("mesos_task")], master=master)
    result = adhoc("mesos_task", args).result
    assert not result.get("failed"), result
    body = http_body(f"http://127.0.0.1:{result['task']['ports'][0]}/")
    assert body.strip() == "hello"


def test_web_example_serves(shared_master) -> None:
    master = shared_master
    (task,) = [
        t for t in example_tasks("mesos_task") if t[fqcn("mesos_task")].get("name") == "web"
    ][:1]
    result = adhoc("mesos_task", dict(task[fqcn("mesos_task")], master=master)).result
    assert not result.get("failed"), result
    assert http_body(f"http://127.0.0.1:{result['task']['ports'][0]}/")
