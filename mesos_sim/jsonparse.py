"""Body decoding worded like stout's ``JSON::parse`` (picojson) errors."""

from __future__ import annotations

import json

MAX_DEPTH = 100  # picojson's default nesting limit, which Mesos uses


class JsonParseError(ValueError):
    """The body is not JSON (or nests deeper than picojson allows)."""


def _depth(value: object) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json_body(body: bytes) -> object:
    """Decode ``body`` as JSON; JsonParseError with a picojson-like message otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonParseError(
            f"syntax error at line 1 near: (invalid UTF-8 at byte {exc.start})"
        ) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        near = text[exc.pos : exc.pos + 32]
        raise JsonParseError(f"syntax error at line {exc.lineno} near: {near}") from None
    except RecursionError:
        raise JsonParseError("syntax error at line 1 near: (nesting too deep)") from None
    if _depth(value) > MAX_DEPTH:
        raise JsonParseError("syntax error at line 1 near: (nesting too deep)")
    return value
