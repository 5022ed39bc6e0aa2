"""Filters that turn role variables into Mesos flag values and mesos-init-wrapper flag files.

``mesos_attributes``  dict or string -> ``rack:r2d2;pod:demo,dev``
``mesos_resources``   dict or string -> ``cpus:2;mem:1024;ports:[31000-32000]``
``mesos_flag_files``  flag dict -> {file name: content} as mesos-init-wrapper reads them:
                      ``name`` holds ``--name=<content>``; an empty ``?name`` / ``?no-name``
                      file is a boolean flag; a null value drops the flag.
``mesos_flag_changes`` wanted files, present files -> [{key, value}] of files to (re)write.
``mesos_flag_stale``   wanted files, present files -> names to remove first (unwanted, or
                      not a plain file, e.g. the wrapper's ``attributes/`` directory).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleFilterError

FLAG_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.\-/]+$")
# Characters that would split or corrupt Mesos's "name:value;name:value" syntax.
SEPARATORS = (";", ":")


def _scalar_text(value: Any, what: str) -> str:
    """Numbers and strings as Mesos writes them (2.0 -> "2", 0.5 -> "0.5")."""
    if isinstance(value, bool):
        raise AnsibleFilterError(f"{what}: a boolean is not a Mesos value ({value!r})")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise AnsibleFilterError(f"{what}: empty value")
        return text
    raise AnsibleFilterError(f"{what}: expected a string or a number, got {type(value).__name__}")


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str) or not ATTRIBUTE_NAME.match(name):
        raise AnsibleFilterError(f"{what}: invalid name {name!r}")
    return name


def _check_no_separator(text: str, what: str) -> str:
    for separator in SEPARATORS:
        if separator in text:
            raise AnsibleFilterError(f"{what}: {text!r} must not contain {separator!r}")
    return text


def _attribute_value(name: str, value: Any) -> str:
    what = f"attribute {name!r}"
    if isinstance(value, list | tuple):
        if not value:
            raise AnsibleFilterError(f"{what}: empty list")
        parts = [_check_no_separator(_scalar_text(item, what), what) for item in value]
        return ",".join(parts)
    return _check_no_separator(_scalar_text(value, what), what)


def _range_text(item: Any, what: str) -> str:
    if isinstance(item, Mapping) and {"begin", "end"} <= set(item):
        begin, end = item["begin"], item["end"]
    elif isinstance(item, list | tuple) and len(item) == 2:
        begin, end = item
    else:
        raise AnsibleFilterError(f"{what}: a range is [begin, end] or {{begin, end}}, got {item!r}")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (begin, end)):
        raise AnsibleFilterError(f"{what}: range bounds must be integers, got {item!r}")
    if begin > end:
        raise AnsibleFilterError(f"{what}: range {begin}-{end} ends before it begins")
    return f"{begin}-{end}"


def _resource_value(name: str, value: Any) -> str:
    what = f"resource {name!r}"
    if isinstance(value, list | tuple):
        if not value:
            raise AnsibleFilterError(f"{what}: empty list")
        if all(isinstance(item, str) for item in value):
            return "{" + ",".join(_check_no_separator(v.strip(), what) for v in value) + "}"
        return "[" + ",".join(_range_text(item, what) for item in value) + "]"
    return _check_no_separator(_scalar_text(value, what), what)


def _name_value_list(value: Any, what: str, render: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        return ";".join(
            f"{_check_name(name, what)}:{render(name, item)}" for name, item in value.items()
        )
    raise AnsibleFilterError(f"{what} must be a dict or a string, got {type(value).__name__}")


def mesos_attributes(value: Any) -> str:
    """``{"rack": "r2d2", "pod": ["demo", "dev"]}`` -> ``rack:r2d2;pod:demo,dev``.

    A string is taken as already written in Mesos's syntax.
    """
    return _name_value_list(value, "agent attributes", _attribute_value)


def mesos_resources(value: Any) -> str:
    """``{"cpus": 2, "ports": [[31000, 32000]]}`` -> ``cpus:2;ports:[31000-32000]``.

    Numbers are scalars, lists of ``[begin, end]`` are ranges, lists of strings are sets,
    strings are used as written (``"[31000-32000]"``). A string input is used as written.
    """
    return _name_value_list(value, "agent resources", _resource_value)


def _flag_content(name: str, value: Any) -> str:
    if isinstance(value, Mapping | list):
        # Mesos takes JSON for structured flags (e.g. --acls, --resources as JSON).
        return json.dumps(value, separators=(",", ":"))
    text = _scalar_text(value, f"flag {name!r}") if not isinstance(value, str) else value
    if "\n" in text.strip():
        raise AnsibleFilterError(f"flag {name!r}: the value must fit on one line")
    return text.strip()


def mesos_flag_files(flags: Any) -> dict[str, str]:
    """Map flags to the files mesos-init-wrapper turns into ``--name=value``.

    ``{"port": 5050, "hostname_lookup": False, "x": None}`` ->
    ``{"port": "5050\\n", "?no-hostname_lookup": ""}``.
    """
    if not isinstance(flags, Mapping):
        raise AnsibleFilterError(f"flags must be a dict, got {type(flags).__name__}")
    files: dict[str, str] = {}
    for name, value in flags.items():
        if not isinstance(name, str) or not FLAG_NAME.match(name):
            raise AnsibleFilterError(
                f"invalid Mesos flag name {name!r}: lower case letters, digits and '_'"
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, bool):
            files[f"?{name}" if value else f"?no-{name}"] = ""
            continue
        files[name] = _flag_content(name, value) + "\n"
    return files


def mesos_flag_changes(wanted: Any, present: Any) -> list[dict[str, str]]:
    """The entries of ``wanted`` ({name: content}) whose file is missing or differs.

    ``present`` maps the names found on the host to their content (None for a directory or an
    unreadable file, which is then rewritten).
    """
    if not isinstance(wanted, Mapping) or not isinstance(present, Mapping):
        raise AnsibleFilterError("mesos_flag_changes expects two dicts")
    return [
        {"key": name, "value": content}
        for name, content in wanted.items()
        if present.get(name) != content
    ]


def mesos_flag_stale(wanted: Any, present: Any) -> list[str]:
    """Names in ``present`` to remove: not wanted, or not a plain file (content None)."""
    if not isinstance(wanted, Mapping) or not isinstance(present, Mapping):
        raise AnsibleFilterError("mesos_flag_stale expects two dicts")
    return [name for name, content in present.items() if name not in wanted or content is None]


class FilterModule:
    """Ansible entry point."""

    def filters(self) -> dict[str, Any]:
        """Return the filters this plugin provides."""
        return {
            "mesos_attributes": mesos_attributes,
            "mesos_resources": mesos_resources,
            "mesos_flag_files": mesos_flag_files,
            "mesos_flag_changes": mesos_flag_changes,
            "mesos_flag_stale": mesos_flag_stale,
        }
