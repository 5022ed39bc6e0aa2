"""JSON -> protobuf-message checking the way stout's ``protobuf::parse`` does it.

Mesos converts a JSON body into a ``v1::scheduler::Call`` (or ``v1::master::Call``) by field
name: unknown fields are ignored, ``null`` means unset, a value of the wrong JSON type is an
error ("Not expecting a JSON string for field 'x'"), an unknown name for an optional enum is
dropped, and missing required fields are listed ("Missing required fields: a.b, c").
The schemas below describe the fields of the v1 protos this simulator reads.
"""

from __future__ import annotations

import base64
import binascii
import math

from .proto_schema import ENUMS, MESSAGES

NUMBER_TYPES = {"double", "int", "uint"}


class ProtoJsonError(ValueError):
    """The JSON does not convert into the message (message text as Mesos words it)."""


def parse(message: str, value: object) -> dict:
    """Check ``value`` against message ``message``; return it cleaned (as Mesos would see it)."""
    if not isinstance(value, dict):
        raise ProtoJsonError("Expecting a JSON object")
    result = _parse_object(message, value)
    missing = _missing_required(message, result, "")
    if missing:
        raise ProtoJsonError("Missing required fields: " + ", ".join(missing))
    return result


def _parse_object(message: str, obj: dict) -> dict:
    fields = MESSAGES[message]
    result: dict = {}
    for name, value in obj.items():
        spec = fields.get(name)
        if spec is None or value is None:
            continue
        kind, label = spec
        if isinstance(value, list):
            if label != "repeated":
                raise ProtoJsonError(f"Not expecting a JSON array for field '{name}'")
            items = [_parse_single(name, kind, label, item) for item in value if item is not None]
            result[name] = [i for i in items if i is not _DROP]
            continue
        parsed = _parse_single(name, kind, label, value)
        if parsed is _DROP:
            continue
        if label == "repeated":
            result.setdefault(name, []).append(parsed)
        else:
            result[name] = parsed
    return result


_DROP = object()


def _parse_single(name: str, kind: str, label: str, value: object) -> object:
    if isinstance(value, list):
        raise ProtoJsonError(f"Not expecting a JSON array for field '{name}'")
    handler = _HANDLERS.get(_json_kind(value))
    if handler is None:
        raise ProtoJsonError(f"Not expecting a JSON value for field '{name}'")
    return handler(name, kind, label, value)


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "other"


def _from_object(name: str, kind: str, label: str, value: dict) -> object:
    if kind in {"any", "map"}:
        return value
    if kind in MESSAGES:
        return _parse_object(kind, value)
    raise ProtoJsonError(f"Not expecting a JSON object for field '{name}'")


def _from_string(name: str, kind: str, label: str, value: str) -> object:
    if kind in ("string", "any"):
        return value
    if kind == "bytes":
        try:
            base64.b64decode(value.encode(), validate=True)
        except (binascii.Error, ValueError):
            raise ProtoJsonError(
                f"Failed to base64 decode bytes field '{name}': Invalid character"
            ) from None
        return value
    if kind.startswith("enum:"):
        if value not in ENUMS[kind[5:]]:
            if label == "required":
                raise ProtoJsonError(f"Failed to find enum for '{value}'")
            return _DROP
        return value
    if kind in NUMBER_TYPES:
        try:
            number = float(value)
        except ValueError:
            raise ProtoJsonError(
                f"Failed to parse '{value}' as a JSON number for field '{name}': "
                "syntax error at line 1 near: " + value
            ) from None
        return _from_number(name, kind, label, number)
    if kind == "bool":
        if value in ("true", "false"):
            return value == "true"
        raise ProtoJsonError(
            f"Failed to parse '{value}' as a JSON boolean for field '{name}': "
            "syntax error at line 1 near: " + value
        )
    raise ProtoJsonError(f"Not expecting a JSON string for field '{name}'")


def _from_number(name: str, kind: str, label: str, value: float) -> object:
    if kind == "any":
        return value
    if kind == "double":
        return float(value)
    if kind in ("int", "uint"):
        if math.isinf(value) or math.isnan(value):
            return 0
        return int(value) if kind == "int" else max(0, int(value))
    raise ProtoJsonError(f"Not expecting a JSON number for field '{name}'")


def _from_boolean(name: str, kind: str, label: str, value: bool) -> object:
    if kind in ("bool", "any"):
        return value
    raise ProtoJsonError(f"Not expecting a JSON boolean for field '{name}'")


_HANDLERS = {
    "object": _from_object,
    "string": _from_string,
    "number": _from_number,
    "boolean": _from_boolean,
}


def _missing_required(message: str, obj: dict, prefix: str) -> list[str]:
    missing = []
    for name, (kind, label) in MESSAGES[message].items():
        if label == "required" and name not in obj:
            missing.append(prefix + name)
        if kind not in MESSAGES or name not in obj:
            continue
        if label == "repeated":
            for index, item in enumerate(obj[name]):
                missing += _missing_required(kind, item, f"{prefix}{name}[{index}].")
        else:
            missing += _missing_required(kind, obj[name], f"{prefix}{name}.")
    return missing
