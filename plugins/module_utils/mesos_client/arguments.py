# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Type checks on a module's arguments as the user gave them, before ansible-core converts them.

ansible-core turns a dict or a list given for a ``type: str`` (or ``path``) option into its
text (``"{'a': 1}"``) and uses it; and a list given for a ``type: dict`` option with
suboptions fails with a message that does not name the option. Both are caught here from the
raw arguments and an ``argument_spec`` (plain data), so nothing here imports Ansible.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

#: argument_spec types whose values must be scalars (ansible-core converts those to text).
TEXT_TYPES = frozenset({"str", "path"})
SCALARS = (str, int, float, bool)


def _type_name(value: object) -> str:
    if isinstance(value, Mapping):
        return "dict"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def _is_dict_text(value: str) -> bool:
    """A string ansible-core will parse into a dict itself (JSON object or ``k=v`` pairs)."""
    text = value.strip()
    return text.startswith("{") or "=" in text


def _elements(option: Mapping[str, Any], value: Any, where: str) -> list[tuple[str, Any]]:
    """``(path, value)`` of each dict of suboptions ``value`` should hold."""
    if option.get("type") != "list":
        return [(where, value)]
    if not isinstance(value, list):
        return []  # ansible-core names the option itself
    return [(f"{where}[{index}]", item) for index, item in enumerate(value)]


def _shape_problem(path: str, item: Any) -> str | None:
    """Why ``item`` cannot be a dict of suboptions (None when it can)."""
    if isinstance(item, Mapping) or (isinstance(item, str) and _is_dict_text(item)):
        return None
    return f"{path} must be a dict of suboptions, not a {_type_name(item)}"


def _problems(spec: Mapping[str, Any], values: Mapping[str, Any], prefix: str) -> Iterator[str]:
    for name, option in spec.items():
        value = values.get(name)
        if value is None:
            continue
        where = f"{prefix}{name}"
        if option.get("type", "str") in TEXT_TYPES and not isinstance(value, SCALARS):
            yield f"{where} must be a string, not a {_type_name(value)}"
            continue
        if not option.get("options"):
            continue
        for path, item in _elements(option, value, where):
            problem = _shape_problem(path, item)
            if problem is not None:
                yield problem
            elif isinstance(item, Mapping):
                yield from _problems(option["options"], item, f"{path}.")


def argument_problem(raw: Mapping[str, Any], argument_spec: Mapping[str, Any]) -> str | None:
    """The first option in ``raw`` (the module's arguments as given) of an unusable type.

    The message names the option (``framework.name must be a string, not a dict``) and
    never its value, which may be a secret.
    """
    return next(_problems(argument_spec, raw, ""), None)


def _tolerate(spec: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Declare ``raw``, in place, every option of ``spec`` holding a value of the wrong shape."""
    for name, option in spec.items():
        value = values.get(name)
        if value is None or not option.get("options"):
            continue
        elements = _elements(option, value, name)
        if any(_shape_problem(path, item) is not None for path, item in elements):
            spec[name] = {"type": "raw", "no_log": bool(option.get("no_log", False))}
            continue
        for _path, item in elements:
            if isinstance(item, Mapping):
                _tolerate(option["options"], item)


def check_arguments(
    raw: Mapping[str, Any], argument_spec: Mapping[str, Any]
) -> tuple[str | None, dict[str, dict[str, Any]]]:
    """``(problem, spec to build the AnsibleModule with)`` for the raw arguments ``raw``.

    Without a problem the spec is ``argument_spec`` itself. With one, it is a copy in which
    every option holding something other than a dict of suboptions is declared ``raw``, so
    ansible-core accepts it (its own message would not name the option) and the module can
    fail with the problem.
    """
    if not isinstance(raw, Mapping):
        # No arguments at all: ansible-test's validate-modules runs main() only to catch the
        # spec that AnsibleModule gets; AnsibleModule itself reports a real call without any.
        return None, dict(argument_spec)
    problem = argument_problem(raw, argument_spec)
    if problem is None:
        return None, dict(argument_spec)
    spec = copy.deepcopy(dict(argument_spec))
    _tolerate(spec, raw)
    return problem, spec
