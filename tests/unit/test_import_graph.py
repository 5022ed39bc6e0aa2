"""No import circles inside mesos_sim or the client (mesos_client): each part imports only what
it uses, never something that imports it back. Imports are read with ast from the source, at any
depth in a file (a function-level import closes a circle as surely as a top-level one), with
relative imports and ``from . import x`` resolved to the module they name. Imports under
``if TYPE_CHECKING:`` count too: a part that needs another's type to be written knows that part."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = {
    "mesos_sim": REPO / "mesos_sim",
    "mesos_client": REPO / "plugins" / "module_utils" / "mesos_client",
}


def _modules(package: str, root: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that module ``name`` (at ``path``) imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            base = base.removeprefix("ansible.module_utils.")
            for alias in node.names:
                # `from pkg import submodule` imports the submodule; `from pkg import name`, pkg.
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in known else base)
    targets = {t.removeprefix("ansible.module_utils.") for t in targets}
    return {t for t in targets if t in known and t != name}


def _graph(package: str) -> dict[str, set[str]]:
    known = _modules(package, PACKAGES[package])
    return {name: _imported(name, path, known) for name, path in known.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from . import one\n")
    (pkg / "one.py").write_text("from .sub import two\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "two.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..one import x\n"
        "from .. import VERSION\n"
    )
    known = _modules("pkg", pkg)
    assert _imported("pkg", pkg / "__init__.py", known) == {"pkg.one"}
    assert _imported("pkg.one", pkg / "one.py", known) == {"pkg.sub.two"}
    assert _imported("pkg.sub.two", pkg / "sub" / "two.py", known) == {"pkg", "pkg.one"}


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_circles(package: str) -> None:
    graph = _graph(package)
    assert len(graph) > 5, f"found only {sorted(graph)} in {PACKAGES[package]}"
    circles = _circles(graph)
    assert not circles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in circles)
