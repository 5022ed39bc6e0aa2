"""Rules the client package keeps: what it imports, how it imports, no TLS opt-out."""

from __future__ import annotations

import ast
import importlib.util
import sys
import sysconfig
from pathlib import Path

import mesos_client

PACKAGE = Path(mesos_client.__file__).parent
SOURCES = sorted(PACKAGE.glob("*.py"))
ALLOWED_TOP_LEVEL = {"requests", "kazoo", "__future__"}


def in_stdlib(name: str) -> bool:
    """Whether ``name`` is a standard library module (``sys.stdlib_module_names`` is 3.10+)."""
    if hasattr(sys, "stdlib_module_names"):
        return name in sys.stdlib_module_names
    spec = importlib.util.find_spec(name)
    if spec is None:
        return False
    if spec.origin in ("built-in", "frozen"):
        return True
    return str(spec.origin).startswith(sysconfig.get_paths()["stdlib"]) and (
        "site-packages" not in str(spec.origin)
    )


def imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def test_package_has_the_expected_modules() -> None:
    names = {path.stem for path in SOURCES}
    assert {"errors", "recordio", "events", "transport", "leader", "scheduler"} <= names
    assert {"operator", "offers", "taskinfo", "calls", "framework"} <= names


def test_only_stdlib_requests_and_kazoo_absolute_imports_and_relative_inside() -> None:
    for path in SOURCES:
        for node in imports(path):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                continue  # relative: inside the package
            modules = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
            )
            for module in modules:
                top = (module or "").split(".")[0]
                assert top in ALLOWED_TOP_LEVEL or in_stdlib(top), (
                    path.name,
                    module,
                )
                assert top not in {"mesos_sim", "ansible", "mesos_client"}, (path.name, module)


def test_kazoo_is_imported_lazily_only_in_leader() -> None:
    for path in SOURCES:
        tree = ast.parse(path.read_text())
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        for node in top_level:
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert not (module or "").startswith("kazoo"), path.name


def test_no_tls_opt_out_and_no_bare_except() -> None:
    for path in SOURCES:
        text = path.read_text()
        assert "verify=False" not in text.replace(" ", ""), path.name
        assert "CERT_NONE" not in text, path.name
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler):
                assert node.type is not None, f"bare except in {path.name}:{node.lineno}"
            if isinstance(node, ast.keyword) and node.arg == "allow_redirects":
                assert isinstance(node.value, ast.Constant) and node.value.value is False


def test_public_surface_is_documented() -> None:
    for name in mesos_client.__all__:
        obj = getattr(mesos_client, name)
        if callable(obj):
            assert obj.__doc__, name
