"""The collection as a user gets it: the built tarball installed into a fresh collections path,
used from a directory outside the checkout whose ansible.cfg is empty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.fixtures import (  # noqa: F401 - pytest finds fixtures by name
    pytest_runtest_makereport,
    sim_cluster_factory,
)
from tests.support.sim import REPO_ROOT

BIN = Path(sys.executable).parent
COLLECTION = "mesoslab.mesos"
CLI_TIMEOUT = 180


@dataclass
class UserSetup:
    """Where the tarball is, where it was installed, and the user's own directory."""

    tarball: Path
    collections: Path
    workdir: Path

    @property
    def installed(self) -> Path:
        return self.collections / "ansible_collections" / "mesoslab" / "mesos"

    def env(self) -> dict[str, str]:
        """Only the user's empty ansible.cfg and the install path; nothing of the checkout."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ANSIBLE_") and k not in ("MESOS_MASTER", "PYTHONPATH")
        }
        env.update(
            ANSIBLE_CONFIG=str(self.workdir / "ansible.cfg"),
            ANSIBLE_COLLECTIONS_PATH=str(self.collections),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_HOME=str(self.workdir / ".ansible"),
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        return env

    def run(self, *argv: str, json_output: bool = False) -> subprocess.CompletedProcess:
        env = self.env()
        if json_output:
            env.update(
                ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="ansible.posix.json"
            )
        return subprocess.run(
            [str(BIN / argv[0]), *argv[1:]],
            cwd=self.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )


def build(output: Path) -> Path:
    """``ansible-galaxy collection build`` of the checkout, as `make collection` runs it."""
    done = subprocess.run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "build",
            "--force",
            "--output-path",
            str(output),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (tarball,) = output.glob("mesoslab-mesos-*.tar.gz")
    return tarball


@pytest.fixture(scope="session")
def user(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UserSetup]:
    root = tmp_path_factory.mktemp("collection-user")
    assert not root.resolve().is_relative_to(REPO_ROOT), "the user's directory is in the checkout"
    workdir = root / "project"
    workdir.mkdir()
    (workdir / "ansible.cfg").write_text("")
    setup = UserSetup(build(root / "dist"), root / "collections", workdir)
    # --offline: Galaxy is unreachable; community.crypto (a dependency) comes with 'ansible'.
    installed = setup.run(
        "ansible-galaxy",
        "collection",
        "install",
        "--offline",
        "-p",
        str(setup.collections),
        str(setup.tarball),
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    yield setup


def module_result(done: subprocess.CompletedProcess) -> dict:
    """The last localhost result of a run with the JSON stdout callback."""
    output = json.loads(done.stdout)
    results = [
        task["hosts"]["localhost"]
        for play in output["plays"]
        for task in play["tasks"]
        if "localhost" in task["hosts"]
    ]
    assert results, done.stdout + done.stderr
    return results[-1]
