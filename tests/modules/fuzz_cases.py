"""Bad-argument cases derived from each module's real argument_spec, so they cannot drift.

The spec is read by loading the module file itself (its ``ARGUMENT_SPEC``), and the
cross-option rules (``mutually_exclusive``, ``required_if`` ...) from the keyword arguments
of its ``AnsibleModule(...)`` call, parsed with ``ast``.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODULES_DIR = Path(__file__).resolve().parents[2] / "plugins" / "modules"
MODULE_NAMES = ("mesos_task", "mesos_offer_info", "mesos_info", "mesos_framework")
MODULE_CLASSES = ("AnsibleModule", "MesosModule")
RULE_KEYWORDS = (
    "mutually_exclusive",
    "required_together",
    "required_one_of",
    "required_if",
    "required_by",
)
UNKNOWN_OPTION = "fuzz_no_such_option"
BAD_CHOICE = "fuzz-not-a-choice"

# A value of the wrong type for each argument_spec type; Ansible cannot convert any of them.
WRONG_TYPE_VALUES: dict[str, Any] = {
    "str": {"fuzz": "dict"},
    "path": {"fuzz": "dict"},
    "int": "abc",
    "float": "abc",
    "bool": ["a", "list"],
    "dict": ["a", "list"],
    "list": {"fuzz": "dict"},
    "raw": {"fuzz": "dict"},
}


@dataclass(frozen=True)
class Case:
    """One bad invocation: the args, and the option names its ``msg`` must mention."""

    module: str
    label: str
    args: dict[str, Any]
    names: tuple[str, ...]
    xfail: str | None = None

    @property
    def case_id(self) -> str:
        """Stable pytest id."""
        return f"{self.module}:{self.label}"


@dataclass
class ModuleSpec:
    """What the module file declares."""

    name: str
    argument_spec: dict[str, dict[str, Any]]
    rules: dict[str, Any] = field(default_factory=dict)


def load_spec(name: str) -> ModuleSpec:
    """Load ``plugins/modules/NAME.py`` and return its ARGUMENT_SPEC and AnsibleModule rules."""
    path = MODULES_DIR / f"{name}.py"
    loader_spec = importlib.util.spec_from_file_location(f"fuzz_spec_{name}", path)
    if loader_spec is None or loader_spec.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(loader_spec)
    # The module imports its runner the way Ansible ships it; here it is on the pythonpath.
    sys.modules.setdefault(
        "ansible_collections.mesoslab.mesos.plugins.module_utils.mesos_module",
        importlib.import_module("mesos_module"),
    )
    loader_spec.loader.exec_module(module)
    return ModuleSpec(name, copy.deepcopy(module.ARGUMENT_SPEC), _module_rules(path))


def _module_rules(path: Path) -> dict[str, Any]:
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in MODULE_CLASSES:
            return {
                kw.arg: ast.literal_eval(kw.value)
                for kw in node.keywords
                if kw.arg in RULE_KEYWORDS
            }
    raise RuntimeError(f"no AnsibleModule(...) call in {path}")


def _with(base: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """A copy of ``base`` with ``value`` set at the nested option ``path``."""
    args = copy.deepcopy(base)
    target = args
    for key in path[:-1]:
        target = target.setdefault(key, {})
        if isinstance(target, list):
            target = target[0]
    target[path[-1]] = value
    return args


def _without(base: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in base.items() if k not in names}


def _walk(spec: dict[str, dict[str, Any]], prefix: tuple[str, ...] = ()):
    """Every (path, option spec), suboptions included."""
    for name, option in spec.items():
        path = (*prefix, name)
        yield path, option
        if option.get("options"):
            yield from _walk(option["options"], path)


def spec_cases(spec: ModuleSpec, base: dict[str, Any], parents: dict) -> list[Case]:
    """Wrong types, bad choices, missing required and unknown options, for every option."""
    cases: list[Case] = []
    # A suboption's parent is set, so whatever is mutually exclusive with it must go.
    exclusive: dict[str, set[str]] = {}
    for group in spec.rules.get("mutually_exclusive", []):
        for name in group:
            exclusive.setdefault(name, set()).update(n for n in group if n != name)
    for path, option in _walk(spec.argument_spec):
        dotted = ".".join(path)
        own = _without(base, tuple(exclusive.get(path[0], ())))
        start = _parent_args(own, path, parents)
        wrong = WRONG_TYPE_VALUES[option.get("type", "str")]
        cases.append(Case(spec.name, f"type-{dotted}", _with(start, path, wrong), (path[-1],)))
        if option.get("choices"):
            args = _with(start, path, BAD_CHOICE)
            cases.append(Case(spec.name, f"choice-{dotted}", args, (path[-1],)))
        if option.get("required"):
            args = _parent_args(_without(own, path[:1]), path, parents, drop=path)
            cases.append(Case(spec.name, f"missing-{dotted}", args, (path[-1],)))
        if option.get("options"):
            inner = (*path, UNKNOWN_OPTION)
            args = _with(_parent_args(own, inner, parents), inner, 1)
            cases.append(Case(spec.name, f"unknown-{dotted}", args, (UNKNOWN_OPTION,)))
    args = _with(base, (UNKNOWN_OPTION,), 1)
    cases.append(Case(spec.name, "unknown-option", args, (UNKNOWN_OPTION,)))
    return cases


def _parent_args(base, path, parents, drop=()):
    """``base`` plus the minimal valid value of every dict parent of ``path``."""
    args = copy.deepcopy(base)
    for depth in range(1, len(path)):
        parent = path[:depth]
        value = copy.deepcopy(parents.get(".".join(parent), {}))
        target = args
        for key in parent[:-1]:
            target = target[key][0] if isinstance(target[key], list) else target[key]
        target.setdefault(parent[-1], value)
    if drop and len(drop) > 1:
        target = args
        for key in drop[:-1]:
            target = target[key][0] if isinstance(target[key], list) else target[key]
        target.pop(drop[-1], None)
    return args


VALID_SAMPLES: dict[str, Any] = {
    "str": "fuzz",
    "path": "/",
    "int": 1,
    "float": 1.0,
    "bool": True,
    "dict": {},
    "list": [],
    "raw": "fuzz",
}


def rule_cases(spec: ModuleSpec, base: dict[str, Any], parents: dict) -> list[Case]:
    """Every mutually_exclusive / required_* rule broken once, top level and in suboptions."""
    cases = _rules_at(spec.name, spec.rules, spec.argument_spec, base, (), parents)
    for path, option in _walk(spec.argument_spec):
        rules = {k: v for k, v in option.items() if k in RULE_KEYWORDS}
        if rules:
            start = _parent_args(base, (*path, "leaf"), parents)
            cases += _rules_at(spec.name, rules, option["options"], start, path, parents)
    return cases


def _rules_at(module, rules, options, base, prefix, parents) -> list[Case]:  # noqa: PLR0917
    """Cases for the rules of one level: ``base`` holds a valid value at ``prefix``."""

    def sample(name: str) -> Any:
        dotted = ".".join((*prefix, name))
        return copy.deepcopy(parents.get(dotted, VALID_SAMPLES[options[name].get("type", "str")]))

    def level(args: dict[str, Any]) -> dict[str, Any]:
        for key in prefix:
            args = args[key]
        return args

    def variant(drop: tuple[str, ...], put: dict[str, Any]) -> dict[str, Any]:
        args = copy.deepcopy(base)
        here = level(args)
        for name in drop:
            here.pop(name, None)
        here.update(put)
        return args

    where = ".".join(prefix) + "." if prefix else ""
    cases: list[Case] = []
    for group in rules.get("mutually_exclusive", []):
        args = variant((), {name: sample(name) for name in group})
        cases.append(Case(module, f"exclusive-{where}{'+'.join(group)}", args, tuple(group)))
    for group in rules.get("required_together", []):
        for name in group:
            args = variant(tuple(group), {name: sample(name)})
            others = tuple(n for n in group if n != name)
            cases.append(Case(module, f"together-only-{where}{name}", args, others))
    for group in rules.get("required_one_of", []):
        args = variant(tuple(group), {})
        cases.append(Case(module, f"one-of-none-{where}{'+'.join(group)}", args, tuple(group)))
    for key, requires in rules.get("required_by", {}).items():
        needed = (requires,) if isinstance(requires, str) else tuple(requires)
        args = variant(needed, {key: sample(key)})
        cases.append(Case(module, f"required-by-{where}{key}", args, (key, *needed)))
    for rule in rules.get("required_if", []):
        key, value, needed = rule[0], rule[1], tuple(rule[2])
        args = variant(needed, {key: value})
        cases.append(Case(module, f"required-if-{where}{key}={value}", args, needed))
    return cases


# Known failures, case id -> exact symptom (each runs as a strict xfail, after the cluster
# snapshot, since some of them may reach the cluster). Empty: every defect pinned here for
# issue 8 has been fixed; a new one goes here with its exact symptom until it is.
KNOWN_SYMPTOMS: dict[str, str] = {}


# Rejected with a message naming the option, but only after contact with the master (run
# after the cluster snapshot too). Empty: every argument check happens before any contact.
CLUSTER_CONTACT: frozenset[str] = frozenset()


def with_known_symptom(case: Case) -> Case:
    """``case`` carrying its known failure symptom, if it has one."""
    return dataclasses.replace(case, xfail=KNOWN_SYMPTOMS.get(case.case_id))
