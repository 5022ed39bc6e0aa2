"""What a conformance step records of a JSON document: field names and types, not values.

``shape_paths(doc)`` flattens a document into ``{"a.b[].c": "str", ...}``: every object key
is a path element, list elements merge under ``[]``, values become their JSON type name
(``int`` and ``float`` both count as ``number``: Mesos prints whole doubles without a point).
Objects whose keys are data, not field names (``MAP_PATHS``: flags, metrics, labels of
attributes...), keep only their own type.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

# Objects keyed by data (flag names, metric names, attribute names, resource names).
MAP_PATHS = [
    "flags",
    "*.flags",
    "attributes",
    "*.attributes",
    "*.resources",
    "*.used_resources",
    "*.offered_resources",
    "*.unreserved_resources",
    "*.reserved_resources",
    "*.reserved_resources_full",
    "*.reserved_resources_allocated",
    "*.reserved_resources_unallocated",
    "*.allocated_resources",
    "*.unreserved_resources_allocated",
    "*.unreserved_resources_unallocated",
    "*.resources_allocated",
    "*.resources_unallocated",
    "*.resources_total",
    "*.resources_reserved",
    "(metrics)",
]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-[A-Z]*\d+)?")
ADDRESS = re.compile(r"127\.0\.0\.1:\d+")


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, list):
        return "list"
    return "object"


def _is_map(path: str) -> bool:
    return any(fnmatchcase(path, pattern) for pattern in MAP_PATHS)


def shape_paths(doc: object, path: str = "", out: dict[str, str] | None = None) -> dict[str, str]:
    """``{path: type}`` for every value in ``doc`` (see the module docstring)."""
    out = {} if out is None else out
    kind = json_type(doc)
    if path:
        previous = out.get(path)
        out[path] = kind if previous in (None, kind) or kind == "null" else f"{previous}|{kind}"
    if isinstance(doc, dict) and not (path and _is_map(path)):
        for key, value in doc.items():
            shape_paths(value, f"{path}.{key}" if path else key, out)
    elif isinstance(doc, list):
        for item in doc:
            shape_paths(item, f"{path}[]", out)
    return out


def normalise_text(text: str) -> str:
    """A body with ids and loopback addresses replaced (they differ on every run)."""
    return ADDRESS.sub("127.0.0.1:PORT", UUID.sub("<id>", text))
