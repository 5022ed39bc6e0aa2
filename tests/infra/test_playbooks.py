"""site.yml wires in every playbook, and every playbook passes ansible-playbook --syntax-check."""

from __future__ import annotations

import pytest

from . import repo

PLAYBOOKS = sorted(path.relative_to(repo.REPO) for path in (repo.REPO / "playbooks").glob("*.yml"))
INVENTORIES = ("inventories/local", "inventories/vagrant")


def imported_playbooks() -> list[str]:
    plays = repo.load_yaml(repo.REPO / "site.yml")
    return [play["ansible.builtin.import_playbook"] for play in plays]


def test_site_imports_only_playbooks_of_the_playbooks_directory():
    imports = imported_playbooks()
    assert imports, "site.yml imports nothing"
    for path in imports:
        assert path.startswith("playbooks/"), path
        assert (repo.REPO / path).is_file(), f"site.yml imports a missing file: {path}"
    assert len(imports) == len(set(imports)), "site.yml imports a playbook twice"


def test_site_imports_every_playbook():
    missing = {str(path) for path in PLAYBOOKS} - set(imported_playbooks())
    assert not missing, f"playbooks not wired into site.yml: {sorted(missing)}"


def test_zookeeper_is_set_up_before_anything_else():
    # Only playbooks/facts.yml, which gathers facts and changes nothing, may come before.
    imports = [path for path in imported_playbooks() if path != "playbooks/facts.yml"]
    assert imports[0] == "playbooks/zookeeper.yml"


def test_the_facts_playbook_only_gathers_facts():
    for play in repo.load_yaml(repo.REPO / "playbooks" / "facts.yml"):
        assert play["gather_facts"] is True
        assert not set(play) & {"roles", "pre_tasks", "post_tasks", "handlers"}, play
        assert play.get("tasks", []) == [], play


@pytest.mark.parametrize("inventory", INVENTORIES)
@pytest.mark.parametrize("playbook", ["site.yml", *map(str, PLAYBOOKS)])
def test_syntax_check(playbook, inventory):
    result = repo.run_ansible("ansible-playbook", "--syntax-check", "-i", inventory, playbook)
    assert result.returncode == 0, f"{playbook} with {inventory}:\n{result.stdout}\n{result.stderr}"
