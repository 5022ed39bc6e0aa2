"""Agent ``--attributes`` parsing with Mesos's rules (attributes.cpp)."""

from __future__ import annotations

import re

from .values import ValueError_, format_ranges, format_scalar, parse_value, ranges_from_json


class AttributeError_(ValueError):
    """An ``--attributes`` value Mesos would refuse (the real agent aborts on it)."""


def parse_attributes(text: str) -> list[dict]:
    """``"rack:r2d2;pod:demo,dev"`` -> v1 Attribute JSON objects (TEXT, SCALAR or RANGES)."""
    attributes = []
    for token in (t for t in re.split("[;\n]", text) if t):
        name, sep, value = token.partition(":")
        if not sep or not name or not value:
            raise AttributeError_(f"Invalid attribute key:value pair '{token}'")
        try:
            parsed = parse_value(value)
        except ValueError_ as exc:
            raise AttributeError_(
                f"Failed to parse attribute {name} text {value} error {exc}"
            ) from None
        if parsed["type"] == "SET":
            raise AttributeError_(f"Bad type for attribute {name} text {value} type SET")
        attributes.append({"name": name, **parsed})
    return attributes


def attribute_plain_value(attribute: dict) -> str | float:
    """The value as the v0 state JSON shows it: text, number or ranges text."""
    kind = attribute["type"]
    if kind == "TEXT":
        return attribute["text"]["value"]
    if kind == "SCALAR":
        return attribute["scalar"]["value"]
    if kind == "RANGES":
        return format_ranges(ranges_from_json(attribute["ranges"]))
    return format_scalar(0.0)


def attributes_object(attributes: list[dict]) -> dict:
    """v0 JSON ``{"rack": "r2d2", ...}`` of the agent's attributes."""
    return {a["name"]: attribute_plain_value(a) for a in attributes}
