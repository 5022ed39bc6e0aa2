# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mesos attributes and resources (v1 JSON lists) as plain dicts for templates and messages.

Attributes become ``{"rack": "r2d2", "pod": "demo,dev"}``; resources are summed per name:
scalars as numbers, ranges (``ports``) as ``[[begin, end], ...]``, sets as lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

#: How to read the value of an attribute or resource, per Mesos ``Value.Type``.
VALUE_READERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "TEXT": lambda item: item.get("text", {}).get("value", ""),
    "SCALAR": lambda item: item.get("scalar", {}).get("value", 0.0),
    "SET": lambda item: list(item.get("set", {}).get("item", [])),
    "RANGES": lambda item: [
        [span.get("begin"), span.get("end")] for span in item.get("ranges", {}).get("range", [])
    ],
}


def _unknown(_item: Mapping[str, Any]) -> None:
    return None


def attributes_dict(attributes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """``[{"name": "rack", "type": "TEXT", "text": {"value": "r2d2"}}]`` -> ``{"rack": "r2d2"}``.

    An attribute of an unknown type maps to None.
    """
    return {
        item.get("name"): VALUE_READERS.get(item.get("type"), _unknown)(item) for item in attributes
    }


def _add(total: Any, value: Any) -> Any:
    if isinstance(value, list):
        return (total or []) + value
    return round((total or 0.0) + value, 3)


def resources_summary(resources: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Resources summed per name: scalars as numbers (3 decimals), ranges and sets as lists.

    A resource without a type is a scalar (as in Mesos); one of an unknown type is left out.
    """
    summary: dict[str, Any] = {}
    for resource in resources:
        reader = VALUE_READERS.get(resource.get("type", "SCALAR"))
        if reader is not None:
            name = resource.get("name")
            summary[name] = _add(summary.get(name), reader(resource))
    return summary
