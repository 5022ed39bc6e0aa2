"""Mesos ``Value`` text parsing (SCALAR, RANGES, SET, TEXT) and formatting, as values.cpp does."""

from __future__ import annotations

import math
import re


class ValueError_(ValueError):
    """A value text that Mesos would refuse."""


def _brackets_match(text: str, open_: str, close: str) -> bool:
    depth = 0
    for char in text:
        if char == open_:
            depth += 1
        elif char == close:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _tokenize(text: str, delimiters: str) -> list[str]:
    return [t for t in re.split("[" + re.escape(delimiters) + "]", text) if t]


def _numify_double(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numify_uint(text: str) -> int | None:
    if not re.fullmatch(r"\+?[0-9]+", text):
        return None
    return int(text)


def coalesce_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping and adjacent ``(begin, end)`` ranges, sorted."""
    merged: list[list[int]] = []
    for begin, end in sorted(ranges):
        if merged and begin <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    return [tuple(pair) for pair in merged]


def parse_value(text: str) -> dict:
    """Parse a Mesos value text into ``{"type": ..., "scalar"|"ranges"|"set"|"text": ...}``."""
    temp = text.replace(" ", "")
    if not temp:
        raise ValueError_("Expecting non-empty string")
    if not all(_brackets_match(temp, o, c) for o, c in ("{}", "[]", "()")):
        raise ValueError_("Mismatched brackets")
    index = temp.find("[")
    if index == 0:
        tokens = _tokenize(temp, "[]-,\n")
        if len(tokens) % 2 != 0:
            raise ValueError_('Expecting one or more "ranges"')
        ranges = []
        for i in range(0, len(tokens), 2):
            begin, end = _numify_uint(tokens[i]), _numify_uint(tokens[i + 1])
            if begin is None or end is None:
                raise ValueError_(f"Expecting non-negative integers in '{tokens[i]}'")
            ranges.append((begin, end))
        return {"type": "RANGES", "ranges": ranges_json(coalesce_ranges(ranges))}
    if index != -1:
        raise ValueError_("Unexpected '[' found")
    index = temp.find("{")
    if index == 0:
        return {"type": "SET", "set": {"item": _tokenize(temp, "{},\n")}}
    if index != -1:
        raise ValueError_("Unexpected '{' found")
    number = _numify_double(temp)
    if number is not None:
        if math.isinf(number) or math.isnan(number):
            raise ValueError_("Unsupported floating point value")
        if number < 0:
            raise ValueError_("Negative values not supported")
        return {"type": "SCALAR", "scalar": {"value": number}}
    return {"type": "TEXT", "text": {"value": temp}}


def ranges_json(ranges: list[tuple[int, int]]) -> dict:
    """``[(1, 2)]`` -> ``{"range": [{"begin": 1, "end": 2}]}``."""
    return {"range": [{"begin": b, "end": e} for b, e in ranges]}


def ranges_from_json(value: dict) -> list[tuple[int, int]]:
    """Inverse of ``ranges_json``."""
    return [(int(r.get("begin", 0)), int(r.get("end", 0))) for r in value.get("range", [])]


def format_scalar(value: float) -> str:
    """Mesos prints scalars with at most three decimals and no trailing zeros."""
    text = f"{round(value, 3):.3f}".rstrip("0").rstrip(".")
    return text or "0"


def format_ranges(ranges: list[tuple[int, int]]) -> str:
    """``[(31000, 32000)]`` -> ``[31000-32000]``."""
    return "[" + ", ".join(f"{b}-{e}" for b, e in ranges) + "]"


def format_set(items: list[str]) -> str:
    """``["a", "b"]`` -> ``{a, b}``."""
    return "{" + ", ".join(items) + "}"
