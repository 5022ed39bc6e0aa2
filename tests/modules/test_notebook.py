"""The notebook runs unattended, top to bottom, against mesos_sim and real Mesos (nbclient)."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .ansible_run import REPO_ROOT

NOTEBOOK = REPO_ROOT / "notebooks" / "mesos_http_api.ipynb"
CELL_TIMEOUT = 90


def run_notebook(master: str, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    """Execute a copy of the notebook with MESOS_MASTER pointing at ``master``."""
    monkeypatch.setenv("MESOS_MASTER", master)
    monkeypatch.setenv("MESOS_NOTEBOOK_USER", "root")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"notebook cell failed against {master}:\n{exc}")
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> str:
    """All text the code cells printed."""
    return "\n".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def test_notebook_runs_against_mesos(mesos, operator_factory, monkeypatch) -> None:
    master = mesos.master_url()
    notebook = run_notebook(master, monkeypatch)
    text = outputs(notebook)
    assert "healthy: True" in text
    assert "'rack': 'r2d2'" in text and "'pod': 'demo,dev'" in text
    assert "TASK_RUNNING" in text and "TASK_KILLED" in text
    assert "hello from a Mesos task" in text
    server = "nginx" if shutil.which("nginx") else "python3 -m http.server"
    print(f"the notebook's task ran {server}")
    # The notebook tore its framework down and left no task running.
    operator = operator_factory(master)
    assert not [
        f for f in operator.get_frameworks() if f["framework_info"]["name"].endswith("notebook")
    ]
    assert not [t for t in operator.get_tasks() if t["state"] == "TASK_RUNNING"]


def test_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, "commit the notebook with its outputs cleared"
    prose = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    assert len(prose) >= 10, "every step of the notebook has prose"
