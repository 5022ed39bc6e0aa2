"""Body decoding worded like stout's ``JSON::parse`` (picojson) errors."""

from __future__ import annotations

import json

MAX_DEPTH = 200  # deepest nesting real Mesos 1.12 parses (201 fails; tests/conformance)


class JsonParseError(ValueError):
    """The body is not JSON (or nests deeper than picojson allows)."""


def _too_deep_at(text: str) -> int | None:
    """Index just past the bracket that nests deeper than MAX_DEPTH (None: not too deep)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return index + 1
        elif char in "]}":
            depth -= 1
    return None


def parse_json_body(body: bytes) -> object:
    """Decode ``body`` as JSON; JsonParseError with a picojson-like message otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonParseError(
            f"syntax error at line 1 near: (invalid UTF-8 at byte {exc.start})"
        ) from None
    too_deep = _too_deep_at(text)
    if too_deep is not None:  # picojson stops there and quotes the rest of the line
        rest = text[too_deep:].split("\n", 1)[0]
        raise JsonParseError(f"syntax error at line 1 near: {rest}")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        near = text[exc.pos : exc.pos + 32]
        raise JsonParseError(f"syntax error at line {exc.lineno} near: {near}") from None
    except RecursionError:
        raise JsonParseError("syntax error at line 1 near: (nesting too deep)") from None
    return value
