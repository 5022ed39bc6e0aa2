"""``/api/v1/scheduler``: the check order of Master::Http::scheduler, then call dispatch."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import HttpVersion11, web

from ..auth import BasicAuthenticator
from ..http_util import (
    APPLICATION_JSON,
    APPLICATION_PROTOBUF,
    accepts_media_type,
    method_not_allowed,
    text_response,
)
from ..ids import is_valid_uuid_bytes_b64, new_uuid
from ..jsonparse import JsonParseError, parse_json_body
from ..protojson import ProtoJsonError, parse
from .frameworks import validate_framework_info
from .model import Framework
from .stream import EventStream

# The master metric each v1 call counts in (names as real Mesos 1.12 publishes them).
CALL_METRICS = {
    "ACCEPT": "launch_tasks",
    "DECLINE": "decline_offers",
    "KILL": "kill_task",
    "RECONCILE": "reconcile_tasks",
    "ACKNOWLEDGE": "status_update_acknowledgement",
    "REVIVE": "revive_offers",
    "SUPPRESS": "suppress_offers",
}

if TYPE_CHECKING:
    from .allocator import Allocator
    from .frameworks import FrameworkService
    from .state import MasterState
    from .tasks import TaskService

log = logging.getLogger(__name__)

STREAM_ID = "Mesos-Stream-Id"
CALLS_NEEDING_BODY = {
    "ACCEPT": "accept",
    "DECLINE": "decline",
    "ACCEPT_INVERSE_OFFERS": "accept_inverse_offers",
    "DECLINE_INVERSE_OFFERS": "decline_inverse_offers",
    "KILL": "kill",
    "SHUTDOWN": "shutdown",
    "ACKNOWLEDGE": "acknowledge",
    "ACKNOWLEDGE_OPERATION_STATUS": "acknowledge_operation_status",
    "RECONCILE": "reconcile",
    "RECONCILE_OPERATIONS": "reconcile_operations",
    "MESSAGE": "message",
    "REQUEST": "request",
    "UPDATE_FRAMEWORK": "update_framework",
}


def _fid(value: dict | None) -> str:
    return (value or {}).get("value", "")


def validate_call(call: dict, principal: str | None) -> str | None:
    """validation::scheduler::call::validate."""
    kind = call.get("type")
    if kind is None:
        return "Expecting 'type' to be present"
    if kind == "SUBSCRIBE":
        if "subscribe" not in call:
            return "Expecting 'subscribe' to be present"
        info = call["subscribe"]["framework_info"]
        if _fid(info.get("id")) != _fid(call.get("framework_id")):
            return "'framework_id' differs from 'subscribe.framework_info.id'"
        if principal is not None and "principal" in info and principal != info["principal"]:
            return (
                f"Authenticated principal '{principal}' does not match principal "
                f"'{info['principal']}' set in `FrameworkInfo`"
            )
        return None
    if "framework_id" not in call:
        return "Expecting 'framework_id' to be present"
    field = CALLS_NEEDING_BODY.get(kind)
    if field and field not in call:
        return f"Expecting '{field}' to be present"
    if kind == "ACKNOWLEDGE" and not is_valid_uuid_bytes_b64(call["acknowledge"]["uuid"]):
        return "Not a valid UUID"
    if kind == "ACKNOWLEDGE_OPERATION_STATUS":
        ack = call["acknowledge_operation_status"]
        if not is_valid_uuid_bytes_b64(ack["uuid"]):
            return "Not a valid UUID"
        if "agent_id" not in ack:
            return "Expecting 'agent_id' to be present"
    if kind == "UPDATE_FRAMEWORK" and _fid(call["framework_id"]) != _fid(
        call["update_framework"]["framework_info"].get("id")
    ):
        return "'framework_id' differs from 'update_framework.framework_info.id'"
    return None


def redirect_or_unavailable(state: MasterState, request: web.Request) -> web.Response:
    """What a master that does not lead answers (Master::Http::redirect)."""
    if state.leader is None:
        return text_response(503, "No leader elected")
    hostname = state.leader.get("hostname") or (state.leader.get("address") or {}).get("ip")
    location = f"//{hostname}:{state.leader.get('port')}{request.rel_url}"
    return web.Response(status=307, headers={"Location": location})


class SchedulerEndpoint:
    """The aiohttp handler for /api/v1/scheduler."""

    def __init__(
        self,
        state: MasterState,
        authenticator: BasicAuthenticator | None,
        services: tuple[FrameworkService, TaskService, Allocator],
    ) -> None:
        self.state = state
        self.framework_service, self.task_service, self.allocator = services
        self.authenticator = authenticator
        self.dispatch: dict[str, Callable[[Framework, dict], web.StreamResponse]] = {
            "TEARDOWN": self._teardown,
            "ACCEPT": self._accept,
            "DECLINE": self._decline,
            "ACCEPT_INVERSE_OFFERS": self._ignored,
            "DECLINE_INVERSE_OFFERS": self._ignored,
            "REVIVE": self._revive,
            "SUPPRESS": self._suppress,
            "KILL": self._kill,
            "SHUTDOWN": self._ignored,
            "ACKNOWLEDGE": self._acknowledge,
            "ACKNOWLEDGE_OPERATION_STATUS": self._ignored,
            "RECONCILE": self._reconcile,
            "RECONCILE_OPERATIONS": self._ignored,
            "MESSAGE": self._ignored,
            "REQUEST": self._ignored,
            "UPDATE_FRAMEWORK": self._update_framework,
        }

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Checks in Mesos's order; the first failure answers."""
        principal = None
        if self.authenticator is not None:
            result = self.authenticator.authenticate(request)
            if isinstance(result, web.Response):
                return result
            principal = result
        state = self.state
        if not state.is_leader:
            return redirect_or_unavailable(state, request)
        if request.method != "POST":
            return method_not_allowed(["POST"], request.method)
        content_type = request.headers.get("Content-Type")
        if content_type is None:
            return text_response(400, "Expecting 'Content-Type' to be present")
        if content_type == APPLICATION_PROTOBUF:
            return text_response(
                415,
                f"Expecting 'Content-Type' of {APPLICATION_JSON} "
                "(mesos_sim does not simulate protobuf bodies)",
            )
        if content_type != APPLICATION_JSON:
            return text_response(
                415, f"Expecting 'Content-Type' of {APPLICATION_JSON} or {APPLICATION_PROTOBUF}"
            )
        try:
            body = await request.read()
            call = parse("SchedulerCall", parse_json_body(body))
        except JsonParseError as exc:
            return text_response(400, f"Failed to parse body into JSON: {exc}")
        except ProtoJsonError as exc:
            return text_response(400, f"Failed to convert JSON into Call protobuf: {exc}")
        error = validate_call(call, principal)
        if error:
            state.metrics["master/invalid_scheduler_calls"] += 1
            return text_response(400, f"Failed to validate scheduler::Call: {error}")
        kind = call["type"]
        if kind in ("SUBSCRIBE", "RECONCILE_OPERATIONS"):
            accept = request.headers.get("Accept")
            if not accepts_media_type(accept, APPLICATION_JSON):
                return text_response(
                    406,
                    f"Expecting 'Accept' to allow '{APPLICATION_PROTOBUF}' or '{APPLICATION_JSON}'",
                )
        if kind == "SUBSCRIBE":
            if STREAM_ID in request.headers:
                return text_response(
                    400, "Subscribe calls should not include the 'Mesos-Stream-Id' header"
                )
            return await self._subscribe(request, call["subscribe"], principal)
        framework = state.frameworks.get(_fid(call["framework_id"]))
        if framework is None:
            return text_response(400, "Framework cannot be found")
        if principal is not None and principal != framework.principal:
            return text_response(
                400,
                f"Authenticated principal '{principal}' does not match principal "
                f"'{framework.principal or ''}' set in `FrameworkInfo`",
            )
        if not framework.connected:
            return text_response(403, "Framework is not subscribed")
        stream_id = request.headers.get(STREAM_ID)
        if stream_id is None:
            return text_response(
                400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header"
            )
        if stream_id != framework.stream.stream_id:
            return text_response(
                400,
                f"The stream ID '{stream_id}' included in this request didn't match the "
                f"stream ID currently associated with framework ID {framework.framework_id}",
            )
        if kind in CALL_METRICS:
            state.metrics[f"master/messages_{CALL_METRICS[kind]}"] += 1
        if kind == "UNKNOWN":
            return text_response(501, "Not Implemented")
        return self.dispatch[kind](framework, call)

    async def _subscribe(
        self, request: web.Request, subscribe: dict, principal: str | None
    ) -> web.StreamResponse:
        state = self.state
        stream_id = new_uuid()
        response = web.StreamResponse(
            status=200, headers={"Content-Type": APPLICATION_JSON, STREAM_ID: stream_id}
        )
        if request.version >= HttpVersion11:
            response.enable_chunked_encoding()  # HTTP/1.0: the body ends when the stream does
        await response.prepare(request)
        stream = EventStream(
            stream_id,
            response,
            request,
            heartbeat_interval=state.heartbeat_interval,
            max_queue=int(state.flags.sim_stream_queue_size),
            on_closed=self.framework_service.stream_closed,
        )
        self.framework_service.subscribe(stream, subscribe, principal)
        await stream.run()
        return response

    # calls -------------------------------------------------------------------------------
    def _accepted(self) -> web.Response:
        return web.Response(status=202)

    def _teardown(self, framework: Framework, call: dict) -> web.Response:
        self.framework_service.remove(framework)
        return self._accepted()

    def _accept(self, framework: Framework, call: dict) -> web.Response:
        self.task_service.accept(framework, call["accept"])
        return self._accepted()

    def _decline(self, framework: Framework, call: dict) -> web.Response:
        decline = call["decline"]
        allocator = self.allocator
        for offer_id in (o["value"] for o in decline.get("offer_ids", [])):
            offer = self.state.offers.get(offer_id)
            if offer is None or offer.framework_id != framework.framework_id:
                log.warning("Ignoring decline of offer %s since it is no longer valid", offer_id)
                continue
            allocator.remove_offer(offer)
            allocator.refuse(framework, offer.agent_id, offer.resources, decline.get("filters"))
        allocator.request_allocation()
        return self._accepted()

    def _revive(self, framework: Framework, call: dict) -> web.Response:
        self.allocator.revive(framework)
        return self._accepted()

    def _suppress(self, framework: Framework, call: dict) -> web.Response:
        self.allocator.suppress(framework)
        return self._accepted()

    def _kill(self, framework: Framework, call: dict) -> web.Response:
        self.task_service.kill(framework, call["kill"])
        return self._accepted()

    def _acknowledge(self, framework: Framework, call: dict) -> web.Response:
        self.task_service.acknowledge(framework, call["acknowledge"])
        return self._accepted()

    def _reconcile(self, framework: Framework, call: dict) -> web.Response:
        self.task_service.reconcile(framework, call["reconcile"])
        return self._accepted()

    def _ignored(self, framework: Framework, call: dict) -> web.Response:
        log.info(
            "%s from framework %s: accepted, not simulated", call["type"], framework.framework_id
        )
        return self._accepted()

    def _update_framework(self, framework: Framework, call: dict) -> web.Response:
        info = call["update_framework"]["framework_info"]
        old = framework.info
        error = validate_framework_info(
            info, self.state.removed_framework_ids, bool(self.state.flags.root_submissions)
        )
        if error:
            return text_response(400, f"Supplied FrameworkInfo is not valid: {error}")
        if info.get("principal") != old.get("principal"):
            return text_response(
                400,
                "FrameworkInfo update is not valid: Changing framework's principal is not allowed.",
            )
        if info.get("user") != old.get("user"):
            return text_response(
                400,
                "FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is "
                f"unsupported; attempted to update from '{old.get('user')}' to "
                f"'{info.get('user')}'",
            )
        was, now = bool(old.get("checkpoint", False)), bool(info.get("checkpoint", False))
        if was != now:
            return text_response(
                400,
                "FrameworkInfo update is not valid: Updating 'FrameworkInfo.checkpoint' is "
                f"unsupported; attempted to update from '{str(was).lower()}' to "
                f"'{str(now).lower()}'",
            )
        framework.info = info
        self.allocator.request_allocation()
        return web.Response(status=200)
