"""Reading a ``POST /api/v1`` operator call the way Master::Http::api and Slave::Http::api do:
405, 400 (no Content-Type), 415, 400 (JSON / proto conversion / validation), 406."""

from __future__ import annotations

from aiohttp import web

from .http_util import (
    APPLICATION_JSON,
    APPLICATION_PROTOBUF,
    accepts_media_type,
    method_not_allowed,
    text_response,
)
from .jsonparse import JsonParseError, parse_json_body
from .protojson import ProtoJsonError, parse

# Calls whose body field is required (validation::<master|agent>::call::validate).
REQUIRED_FIELDS = {"TEARDOWN": "teardown"}


async def read_operator_call(request: web.Request, message: str, label: str) -> dict | web.Response:
    """The parsed call, or the error response Mesos would send.

    ``message`` is the proto schema name (``MasterCall``, ``AgentCall``); ``label`` names it in
    validation errors (``master::Call``, ``agent::Call``).
    """
    if request.method != "POST":
        return method_not_allowed(["POST"], request.method)
    content_type = request.headers.get("Content-Type")
    if content_type is None:
        return text_response(400, "Expecting 'Content-Type' to be present")
    if content_type != APPLICATION_JSON:
        note = (
            " (mesos_sim does not simulate protobuf bodies)"
            if content_type == APPLICATION_PROTOBUF
            else ""
        )
        return text_response(
            415, f"Expecting 'Content-Type' of {APPLICATION_JSON} or {APPLICATION_PROTOBUF}{note}"
        )
    try:
        call = parse(message, parse_json_body(await request.read()))
    except JsonParseError as exc:
        return text_response(400, f"Failed to parse body into JSON: {exc}")
    except ProtoJsonError as exc:
        return text_response(400, f"Failed to convert JSON into Call protobuf: {exc}")
    kind = call.get("type")
    if kind is None:
        return text_response(400, f"Failed to validate {label}: Expecting 'type' to be present")
    field = REQUIRED_FIELDS.get(kind)
    if field and field not in call:
        return text_response(400, f"Failed to validate {label}: Expecting '{field}' to be present")
    if not accepts_media_type(request.headers.get("Accept"), APPLICATION_JSON):
        return text_response(
            406, f"Expecting 'Accept' to allow '{APPLICATION_PROTOBUF}' or '{APPLICATION_JSON}'"
        )
    return call
