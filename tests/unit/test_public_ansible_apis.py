"""Nothing under plugins/ uses a private ansible-core name (issue 14): no ``from
ansible.module_utils.basic import _load_params``, no ``ansible.module_utils._internal``, no
``basic._load_params`` through an imported module. Names starting with ``_`` are ansible-core's
own and change without notice between releases; the collection supports ansible-core as
released. Read with ast from the source, at any depth in a file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGINS = REPO / "plugins"
#: Private names that are a violation however they are reached (getattr, a local alias ...).
FORBIDDEN_NAMES = frozenset({"_load_params"})


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _ansible(module: str) -> bool:
    return module == "ansible" or module.startswith("ansible.")


def _dotted(node: ast.expr) -> list[str] | None:
    """``a.b.c`` as ``["a", "b", "c"]``; None for anything but names and attributes."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return parts[::-1]


def private_uses(source: str, filename: str = "<source>") -> list[str]:
    """``line: what`` for every private ansible-core name ``source`` uses."""
    tree = ast.parse(source, filename=filename)
    found: list[str] = []
    # Local names bound to ansible modules (`from ansible.module_utils import basic`, `import
    # ansible.module_utils.basic as basic`, `import ansible...` binds `ansible`).
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _ansible(alias.name):
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append(f"{node.lineno}: import {alias.name}")
                    modules.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and not node.level and _ansible(node.module or ""):
            module = node.module or ""
            if any(_private(part) for part in module.split(".")):
                found.append(f"{node.lineno}: from {module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{node.lineno}: from {module} import {alias.name}")
                modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = _dotted(node)
            if parts and parts[0] in modules and any(_private(part) for part in parts[1:]):
                found.append(f"{node.lineno}: {'.'.join(parts)}")
        names = []
        if isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = [node.value]  # getattr(basic, "_load_params")
        elif isinstance(node, ast.alias):
            names = [node.name, node.asname or ""]
        found += [f"{node.lineno}: {name}" for name in names if name in FORBIDDEN_NAMES]
    return sorted(set(found), key=lambda entry: int(entry.split(":")[0]))


def _plugin_files() -> list[Path]:
    return sorted(PLUGINS.rglob("*.py"))


def test_plugins_are_there() -> None:
    names = {path.relative_to(PLUGINS).as_posix() for path in _plugin_files()}
    assert "module_utils/mesos_module.py" in names
    assert "modules/mesos_task.py" in names


@pytest.mark.parametrize(
    "path", _plugin_files(), ids=lambda path: path.relative_to(PLUGINS).as_posix()
)
def test_no_private_ansible_name_under_plugins(path: Path) -> None:
    assert private_uses(path.read_text(), str(path)) == []


@pytest.mark.parametrize(
    "source",
    [
        "from ansible.module_utils.basic import AnsibleModule, _load_params",
        "from ansible.module_utils.basic import _load_params as load",
        "from ansible.module_utils._internal import _traceback",
        "from ansible.module_utils._internal._datatag import AnsibleTagged",
        "import ansible.module_utils._internal",
        "from ansible.module_utils import basic\nbasic._load_params()",
        "import ansible.module_utils.basic as basic\nparams = basic._ANSIBLE_ARGS",
        "import ansible.module_utils.basic\nansible.module_utils.basic._load_params()",
        "from ansible.module_utils import basic\nload = getattr(basic, '_load_params')",
        "def main():\n    from ansible.module_utils.basic import _load_params\n    _load_params()",
    ],
)
def test_private_uses_are_found(source: str) -> None:
    assert private_uses(source)


@pytest.mark.parametrize(
    "source",
    [
        "from __future__ import annotations",
        "from ansible.module_utils.basic import AnsibleModule, missing_required_lib",
        "from ansible.module_utils.common.validation import check_type_dict",
        "from ansible.module_utils import basic\nprint(basic.__file__)",
        "from .arguments import _texts",  # the collection's own private names are its own
        "class M:\n    def _check(self):\n        return self._problem",
    ],
)
def test_public_uses_pass(source: str) -> None:
    assert private_uses(source) == []
