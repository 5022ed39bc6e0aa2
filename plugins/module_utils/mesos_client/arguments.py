# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Type checks on a module's arguments as the user gave them, before ansible-core converts them.

ansible-core turns a dict or a list given for a ``type: str`` (or ``path``) option into its
text (``"{'a': 1}"``) and uses it; and a list given for a ``type: dict`` option with
suboptions fails with a message that does not name the option. Both are caught here from the
raw arguments and an ``argument_spec`` (plain data), so nothing here imports Ansible; and so
are the secrets among them, which ansible-core stops listing when one option has the wrong
shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Callable

#: Reads a dict given as text (``a=1 b=2`` or JSON), as ansible-core does.
DictParser = Callable[[str], Mapping[str, Any]]

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


def argument_problem(raw: Any, argument_spec: Mapping[str, Any]) -> str | None:
    """The first option in ``raw`` (the module's arguments as given) of an unusable type.

    The message names the option (``framework.name must be a string, not a dict``) and
    never its value, which may be a secret. ``raw`` that is not a mapping (no arguments at
    all) has no problem here; AnsibleModule reports it.
    """
    if not isinstance(raw, Mapping):
        return None
    return next(_problems(argument_spec, raw, ""), None)


def _texts(value: Any) -> Iterator[str]:
    """Every text in ``value`` that ansible-core's no_log masking would hide (its own rule:
    non-empty texts and numbers, at any depth; not booleans or None)."""
    if isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def _secrets(
    spec: Mapping[str, Any], values: Mapping[str, Any], parse_text: DictParser | None
) -> Iterator[str]:
    for name, option in spec.items():
        value = values.get(name)
        if value is None:
            continue
        if option.get("no_log"):
            yield from _texts(value)
            continue
        if not option.get("options"):
            continue
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            # Text is a dict when ansible-core can read it as one; otherwise it holds no secret.
            suboptions = _parsed(item, parse_text) if isinstance(item, str) else item
            if isinstance(suboptions, Mapping):
                yield from _secrets(option["options"], suboptions, parse_text)


def _parsed(text: str, parse_text: DictParser | None) -> Mapping[str, Any] | None:
    if parse_text is None:
        return None
    try:
        parsed = parse_text(text)
    except (TypeError, ValueError):
        return None
    return parsed if isinstance(parsed, Mapping) else None


def secret_texts(
    raw: Any, argument_spec: Mapping[str, Any], parse_text: DictParser | None = None
) -> set[str]:
    """The texts of every ``no_log`` option in ``raw`` (the arguments as given), at any depth
    and whatever their shape: a list where a dict of suboptions belongs, a dict where a string
    does. ansible-core gives up listing its no_log values when one option has the wrong shape;
    these keep the secrets out of the result (its ``invocation``) all the same.

    ``parse_text`` reads a dict given as text (ansible-core's ``check_type_dict``); text it
    cannot read holds no suboption, so no secret, for ansible-core either.
    """
    if not isinstance(raw, Mapping):
        return set()
    return set(_secrets(argument_spec, raw, parse_text))
