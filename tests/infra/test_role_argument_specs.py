"""Every role documents every variable: meta/argument_specs.yml matches defaults/main.yml.

Generic over roles/*, so each new role is checked as soon as it exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import repo

ROLES = sorted(path for path in (repo.REPO / "roles").iterdir() if (path / "tasks").is_dir())


def role_defaults(role: Path) -> dict[str, Any]:
    path = role / "defaults" / "main.yml"
    return (repo.load_yaml(path) or {}) if path.exists() else {}


def main_options(role: Path) -> dict[str, Any]:
    path = role / "meta" / "argument_specs.yml"
    if not path.exists():
        pytest.fail(f"{role.name}: meta/argument_specs.yml is missing")
    specs = repo.load_yaml(path) or {}
    main = (specs.get("argument_specs") or {}).get("main")
    if main is None:
        pytest.fail(f"{role.name}: meta/argument_specs.yml has no `main` entry point")
    return main.get("options") or {}


def walk_options(options: dict[str, Any], prefix: str = ""):
    """Yield (dotted name, spec) for every option and sub-option."""
    for name, spec in options.items():
        yield f"{prefix}{name}", spec
        yield from walk_options(spec.get("options") or {}, f"{prefix}{name}.")


@pytest.fixture(params=ROLES, ids=[role.name for role in ROLES])
def role(request) -> Path:
    return request.param


def test_there_are_roles_to_check():
    assert ROLES, "no roles/*/tasks found"


def test_role_has_a_main_argument_spec(role):
    main_options(role)


def test_every_default_is_a_documented_option(role):
    undocumented = set(role_defaults(role)) - set(main_options(role))
    assert not undocumented, f"{role.name}: defaults without a spec: {sorted(undocumented)}"


def test_every_option_has_a_default_or_is_required(role):
    options = main_options(role)
    defaults = role_defaults(role)
    missing = [
        name
        for name, spec in options.items()
        if name not in defaults and not spec.get("required", False)
    ]
    assert not missing, f"{role.name}: optional options without a default: {missing}"


def test_every_option_has_a_type_and_a_description(role):
    incomplete = [
        name
        for name, spec in walk_options(main_options(role))
        if not spec.get("type") or not spec.get("description")
    ]
    assert not incomplete, f"{role.name}: options without type or description: {incomplete}"


def test_spec_defaults_equal_role_defaults(role):
    defaults = role_defaults(role)
    different = {
        name: (spec["default"], defaults.get(name))
        for name, spec in main_options(role).items()
        if "default" in spec and spec["default"] != defaults.get(name)
    }
    assert not different, f"{role.name}: argument spec default != defaults/main.yml: {different}"
