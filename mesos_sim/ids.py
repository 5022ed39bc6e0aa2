"""Identifiers in Mesos's formats."""

from __future__ import annotations

import base64
import socket
import struct
import uuid


def new_uuid() -> str:
    """A random UUID in its text form (stream ids, master ids)."""
    return str(uuid.uuid4())


def new_uuid_b64() -> str:
    """A random UUID's 16 bytes, base64 (status update ``uuid`` as JSON shows bytes)."""
    return base64.b64encode(uuid.uuid4().bytes).decode()


def is_valid_uuid_bytes_b64(text: str) -> bool:
    """True when ``text`` decodes to 16 bytes that form a versioned UUID (stout's fromBytes)."""
    try:
        raw = base64.b64decode(text.encode(), validate=True)
    except ValueError:
        return False
    if len(raw) != 16:
        return False
    return uuid.UUID(bytes=raw).version is not None


def ip_to_int(ip: str) -> int:
    """MasterInfo.ip: the IPv4 address in network byte order read as a little-endian uint32."""
    try:
        return struct.unpack("<I", socket.inet_aton(ip))[0]
    except OSError:
        return 0
