"""Body decoding worded like stout's ``JSON::parse`` (picojson) errors."""

from __future__ import annotations

import json


class JsonParseError(ValueError):
    """The body is not JSON."""


def parse_json_body(body: bytes) -> object:
    """Decode ``body`` as JSON; JsonParseError with a picojson-like message otherwise."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonParseError(
            f"syntax error at line 1 near: (invalid UTF-8 at byte {exc.start})"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        near = text[exc.pos : exc.pos + 32]
        raise JsonParseError(f"syntax error at line {exc.lineno} near: {near}") from None
    except RecursionError:
        raise JsonParseError("syntax error at line 1 near: (nesting too deep)") from None
