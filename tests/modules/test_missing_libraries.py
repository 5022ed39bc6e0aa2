"""Without requests (or, for zk:// masters, kazoo) on the target, the modules say what to
install instead of failing with a traceback. The target's Python is a bare venv here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from .ansible_run import adhoc

REQUESTS_PACKAGES = ("requests", "urllib3", "idna", "charset_normalizer", "certifi")


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A venv without any third-party package."""
    venv = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def requests_only(tmp_path_factory) -> Path:
    """A directory for PYTHONPATH holding requests and its dependencies, but not kazoo."""
    site = Path(requests.__file__).resolve().parents[1]
    shelf = tmp_path_factory.mktemp("requests-only")
    for name in REQUESTS_PACKAGES:
        (shelf / name).symlink_to(site / name)
    return shelf


def interpreter(python: Path) -> dict[str, str]:
    return {"ansible_python_interpreter": str(python)}


@pytest.mark.parametrize(
    "module", ["mesos_task", "mesos_info", "mesos_offer_info", "mesos_framework"]
)
def test_missing_requests(module: str, bare_python: Path) -> None:
    args = {"name": "web", "command": "true"} if module == "mesos_task" else {}
    if module == "mesos_framework":
        args = {"name": "mesos-lab"}
    run = adhoc(
        module, dict(args, master="http://127.0.0.1:9"), extra_vars=interpreter(bare_python)
    )
    result = run.result
    assert result.get("failed"), run.describe()
    assert "Failed to import the required Python library (requests)" in result["msg"]


@pytest.mark.parametrize("module", ["mesos_task", "mesos_info"])
def test_missing_kazoo_for_zookeeper_masters(module: str, bare_python, requests_only) -> None:
    args = {"name": "web", "command": "true"} if module == "mesos_task" else {}
    run = adhoc(
        module,
        dict(args, master="zk://127.0.0.1:9/mesos"),
        extra_vars=interpreter(bare_python),
        env={"PYTHONPATH": str(requests_only)},
    )
    result = run.result
    assert result.get("failed"), run.describe()
    assert "Failed to import the required Python library (kazoo)" in result["msg"]
