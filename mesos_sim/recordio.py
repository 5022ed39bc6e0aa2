"""RecordIO framing used by the v1 streaming APIs: ``<decimal length>\\n<length bytes>``."""

from __future__ import annotations

import json


def encode(record: bytes) -> bytes:
    """Frame one record."""
    return str(len(record)).encode() + b"\n" + record


def encode_json(event: dict) -> bytes:
    """Serialize an event to compact JSON and frame it."""
    return encode(json.dumps(event, separators=(",", ":")).encode())
