"""aiohttp helpers: Mesos-worded plain-text error responses, media types, JSON bodies."""

from __future__ import annotations

import json

from aiohttp import web

APPLICATION_JSON = "application/json"
APPLICATION_PROTOBUF = "application/x-protobuf"


def text_response(status: int, body: str = "", headers: dict | None = None) -> web.Response:
    """A plain-text response like libprocess sends (e.g. 400 with the reason)."""
    return web.Response(status=status, text=body, content_type="text/plain", headers=headers)


def json_response(body: object, status: int = 200) -> web.Response:
    """A JSON response with ``Content-Type: application/json``."""
    return web.Response(
        status=status,
        body=json.dumps(body, separators=(",", ":")).encode(),
        content_type=APPLICATION_JSON,
    )


def method_not_allowed(allowed: list[str], method: str) -> web.Response:
    """405 with ``Allow`` as libprocess's MethodNotAllowed does."""
    return text_response(
        405,
        "405 Method Not Allowed. Expecting one of { '"
        + "', '".join(allowed)
        + f"' }}, but received '{method}'.",
        headers={"Allow": ", ".join(allowed)},
    )


def accepts_media_type(accept: str | None, media_type: str) -> bool:
    """libprocess's Request::acceptsMediaType: no header accepts all; honours q=0 and */*."""
    if accept is None or not accept.strip():
        return True
    main = media_type.partition("/")[0]
    best = None
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        candidate = parts[0].lower()
        quality = 1.0
        for param in parts[1:]:
            key, _sep, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        c_main, _sep, c_sub = candidate.partition("/")
        if candidate == media_type:
            rank = 3
        elif c_main == main and c_sub == "*":
            rank = 2
        elif candidate == "*/*":
            rank = 1
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, quality)
    return best is not None and best[1] > 0
