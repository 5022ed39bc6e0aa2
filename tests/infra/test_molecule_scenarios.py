"""Every molecule scenario has the layout the shared base config expects, and it parses.

The shared base (.config/molecule/config.yml) links each scenario's inventory/hosts.yml and
inventory/group_vars/ and runs molecule/shared/create.yml and destroy.yml; see
molecule/shared/README.md. `molecule syntax` checks the merged config and the converge
playbook without booting anything.
"""

from __future__ import annotations

import subprocess

import pytest

from . import repo

SCENARIOS = sorted(path.parent for path in (repo.REPO / "molecule").glob("*/molecule.yml"))
BASE_CONFIG = repo.REPO / ".config" / "molecule" / "config.yml"


@pytest.fixture(params=SCENARIOS, ids=[path.name for path in SCENARIOS])
def scenario(request):
    return request.param


def test_zookeeper_scenario_exists():
    assert repo.REPO / "molecule" / "zookeeper" in SCENARIOS


def test_shared_playbooks_referenced_by_the_base_config_exist():
    playbooks = repo.load_yaml(BASE_CONFIG)["ansible"]["playbooks"]
    for action in ("create", "destroy"):
        path = (repo.REPO / "molecule" / "zookeeper" / playbooks[action]).resolve()
        assert path.is_file(), f"{action}: {path}"
        assert path.parent == repo.REPO / "molecule" / "shared"


def test_scenario_has_the_layout_the_base_config_links(scenario):
    links = repo.load_yaml(BASE_CONFIG)["provisioner"]["inventory"]["links"]
    for source in links.values():
        assert (scenario / source).exists(), f"{scenario.name}: missing {source}"
    assert (scenario / "converge.yml").is_file(), f"{scenario.name}: missing converge.yml"
    assert list((scenario / "tests").glob("test_*.py")), f"{scenario.name}: no tests/test_*.py"


def test_scenario_name_matches_its_directory(scenario):
    config = repo.load_yaml(scenario / "molecule.yml") or {}
    assert config.get("scenario", {}).get("name", scenario.name) == scenario.name


def test_molecule_syntax(scenario):
    env = repo.ansible_env(MOLECULE_NO_LOG="true")
    env.pop("ANSIBLE_CONFIG")  # molecule writes its own; the base config points it at ours
    result = subprocess.run(
        [str(repo.BIN / "molecule"), "syntax", "-s", scenario.name],
        cwd=repo.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=repo.COMMAND_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
