# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""SchedulerSession: one framework's subscription to the leading master.

The event stream runs on its own daemon thread: it subscribes (through :mod:`.leader`),
decodes RecordIO, dispatches each event through a table and queues it for the caller, who
reads with :meth:`SchedulerSession.next_event`, :meth:`~SchedulerSession.events` or
:meth:`~SchedulerSession.wait_for`, all with timeouts. Calls go out on the caller's thread
with the current ``Mesos-Stream-Id``.

Liveness: after SUBSCRIBED the stream socket's read timeout becomes ``heartbeat_misses``
heartbeat intervals, so a stream that goes silent fails the read; the thread then finds the
leader again and re-subscribes with the same framework_id until ``reconnect_timeout`` runs
out, after which every read raises :class:`SessionLost`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import calls
from .errors import (
    AuthenticationFailed,
    CallRejected,
    ConnectionFailed,
    LeaderNotFound,
    MesosError,
    MesosTimeout,
    RecordIODecodeError,
    SessionLost,
    SubscriptionRefused,
    TLSError,
)
from .events import Event, EventDecodeError, EventDispatcher, parse_event
from .framework import FrameworkInfo
from .leader import LeaderLocator, backoff_delays, make_locator, send_to_leader
from .recordio import DEFAULT_MAX_RECORD_SIZE, RecordIODecoder
from .requests_import import requests
from .transport import (
    Credentials,
    Transport,
    abort_stream,
    set_stream_read_timeout,
)

LOG = logging.getLogger(__name__)
SCHEDULER_PATH = "/api/v1/scheduler"
STREAM_ID_HEADER = "Mesos-Stream-Id"
DEFAULT_HEARTBEAT_INTERVAL = 15.0
MAX_CALL_ATTEMPTS = 50


@dataclass(frozen=True)
class Subscription:
    """What SUBSCRIBED told us."""

    framework_id: str
    stream_id: str
    leader_url: str
    heartbeat_interval: float
    master_info: dict[str, Any]


class _Terminal:
    """Queue marker: the stream is gone for good; ``error`` says why (None: closed)."""

    def __init__(self, error: MesosError | None) -> None:
        self.error = error


class SchedulerSession:
    """A framework's session with the Mesos master (scheduler HTTP API v1).

    Args:
        masters: ``"http://host:5050"``, ``"http://a:5050,http://b:5050"``, a list of URLs,
            or ``"zk://host:2181/mesos"`` (needs ``kazoo``).
        framework: the FrameworkInfo to subscribe with.
        credentials: HTTP Basic principal/secret; also used as the framework's principal
            when ``framework.principal`` is unset.
        ca_path: CA bundle for https masters (verification is always on).
        framework_id: re-subscribe as this framework (fail over from another process).
        heartbeat_misses: silent heartbeat intervals before the stream is declared dead.
        reconnect_timeout: seconds to get a stream back after losing it; 0 disables.
        auto_acknowledge: acknowledge UPDATEs that carry a uuid when they are delivered.
        call_timeout: default seconds a call may take, re-subscription waits included.
        connect_timeout: TCP/TLS connect timeout per request.
        max_record_size: largest event accepted from the stream, in bytes.
        queue_size: events buffered for the caller before the stream thread waits.
    """

    def __init__(
        self,
        masters: str | Sequence[str],
        framework: FrameworkInfo,
        *,
        credentials: Credentials | None = None,
        ca_path: str | None = None,
        framework_id: str | None = None,
        heartbeat_misses: int = 5,
        reconnect_timeout: float = 60.0,
        auto_acknowledge: bool = True,
        call_timeout: float = 15.0,
        connect_timeout: float = 5.0,
        max_record_size: int = DEFAULT_MAX_RECORD_SIZE,
        queue_size: int = 10000,
        scheme: str = "http",
    ) -> None:
        if heartbeat_misses < 1:
            raise ValueError("heartbeat_misses must be at least 1")
        if credentials is not None and framework.principal is None:
            framework = dataclasses.replace(framework, principal=credentials.principal)
        self.framework = framework
        self.heartbeat_misses = heartbeat_misses
        self.reconnect_timeout = reconnect_timeout
        self.auto_acknowledge = auto_acknowledge
        self.call_timeout = call_timeout
        self.max_record_size = max_record_size
        self._locator: LeaderLocator = make_locator(masters, scheme=scheme)
        self._stream_http = Transport(credentials, ca_path, connect_timeout)
        self._call_http = Transport(credentials, ca_path, connect_timeout, call_timeout)
        self._events: queue.Queue[Event | _Terminal] = queue.Queue(queue_size)
        self._state = threading.Condition()
        self._stop = threading.Event()
        self._no_reconnect = threading.Event()
        self._thread: threading.Thread | None = None
        self._response: requests.Response | None = None
        self._framework_id = framework_id
        self._stream_id: str | None = None
        self._pending_stream: tuple[str, str] | None = None
        self._subscription: Subscription | None = None
        self._subscriptions = 0
        self._refusal: SubscriptionRefused | None = None
        self._terminal: _Terminal | None = None
        self._first_deadline = 0.0
        self.acknowledged = 0
        self._offers: dict[str, dict[str, Any]] = {}
        self._task_states: dict[str, str] = {}
        self._last_event = 0.0
        self._dispatcher = EventDispatcher(
            {
                "SUBSCRIBED": self._on_subscribed,
                "OFFERS": self._on_offers,
                "RESCIND": self._on_rescind,
                "UPDATE": self._on_update,
                "ERROR": self._on_error,
            },
            fallback=self._enqueue,  # HEARTBEAT, MESSAGE, FAILURE, INVERSE_OFFERS, ...
        )

    # --- lifecycle ------------------------------------------------------------------------

    def subscribe(self, timeout: float = 30.0) -> Subscription:
        """Start the stream and wait for SUBSCRIBED; raise if it does not come in time."""
        if self._thread is not None:
            raise MesosError("subscribe() was already called on this session")
        self._first_deadline = time.monotonic() + timeout
        self._thread = threading.Thread(
            target=self._run, name=f"mesos-stream-{self.framework.name}", daemon=True
        )
        self._thread.start()
        with self._state:
            self._state.wait_for(
                lambda: self._subscriptions > 0 or self._terminal is not None,
                timeout=max(0.0, self._first_deadline - time.monotonic()) + 1.0,
            )
            subscription, terminal = self._subscription, self._terminal
        if subscription is not None:
            return subscription
        self.close()
        if terminal is not None and terminal.error is not None:
            raise terminal.error
        raise MesosTimeout(f"no SUBSCRIBED event within {timeout:g}s")

    def close(self, teardown: bool = False, timeout: float = 10.0) -> None:
        """Stop the stream. The framework is torn down only if ``teardown`` is True.

        Without teardown the master keeps the framework (and its tasks) for its
        ``failover_timeout``, so another session can re-subscribe with :attr:`framework_id`.
        """
        if teardown and self.is_subscribed:
            self._no_reconnect.set()  # the master ends the stream after TEARDOWN
            self.call(*calls.teardown(), timeout=timeout)
        self._stop.set()
        with self._state:
            response = self._response
        if response is not None:
            abort_stream(response)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        self._stream_http.close()
        self._call_http.close()
        self._locator.close()

    def __enter__(self) -> SchedulerSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- state ------------------------------------------------------------------------------

    @property
    def framework_id(self) -> str | None:
        """The framework's id once subscribed (kept across re-subscriptions)."""
        return self._framework_id

    @property
    def stream_id(self) -> str | None:
        """``Mesos-Stream-Id`` of the current stream, None while not subscribed."""
        return self._stream_id

    @property
    def subscription(self) -> Subscription | None:
        """Details of the latest SUBSCRIBED."""
        return self._subscription

    @property
    def subscriptions(self) -> int:
        """How many times SUBSCRIBED arrived (1 + successful re-subscriptions)."""
        return self._subscriptions

    @property
    def is_subscribed(self) -> bool:
        """True while a stream with a known stream id is open."""
        return self._stream_id is not None and self._terminal is None

    @property
    def outstanding_offers(self) -> list[dict[str, Any]]:
        """Offers received and neither rescinded nor answered (ACCEPT/DECLINE) yet."""
        with self._state:
            return list(self._offers.values())

    @property
    def task_states(self) -> dict[str, str]:
        """Latest state per task id, from every UPDATE seen on the stream."""
        with self._state:
            return dict(self._task_states)

    @property
    def seconds_since_last_event(self) -> float | None:
        """Seconds since the stream last delivered anything (heartbeats included)."""
        return time.monotonic() - self._last_event if self._last_event else None

    # --- events -----------------------------------------------------------------------------

    def next_event(self, timeout: float) -> Event:
        """The next event; :class:`MesosTimeout` if none within ``timeout`` seconds.

        Raises the session's terminal error (e.g. :class:`SessionLost`) once the stream is
        gone and every event received before has been delivered.
        """
        try:
            item = self._events.get(timeout=max(0.0, timeout))
        except queue.Empty:
            raise MesosTimeout(f"no event within {timeout:g}s") from None
        if isinstance(item, _Terminal):
            self._events.put(item)  # keep it for every later reader
            raise item.error or MesosError("session closed")
        if self.auto_acknowledge and item.type == "UPDATE":
            # Bounded by the caller's patience: a failed ack only means the agent re-sends.
            self._acknowledge_update(item, max(1.0, min(self.call_timeout, timeout)))
        return item

    def events(self, timeout: float) -> Iterator[Event]:
        """Yield events for up to ``timeout`` seconds in total, then stop."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                yield self.next_event(remaining)
            except MesosTimeout:
                return

    def wait_for(
        self,
        types: str | Iterable[str],
        timeout: float,
        predicate: Callable[[Event], bool] | None = None,
        on_skip: Callable[[Event], None] | None = None,
    ) -> Event:
        """The first event of one of ``types`` (and matching ``predicate``) within ``timeout``.

        Events passed over are handed to ``on_skip`` (if given) and otherwise dropped.
        """
        wanted = {types} if isinstance(types, str) else set(types)
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = self.next_event(remaining)
            except MesosTimeout:
                break
            if event.type in wanted and (predicate is None or predicate(event)):
                return event
            if on_skip is not None:
                on_skip(event)
        raise MesosTimeout(f"no {'/'.join(sorted(wanted))} event within {timeout:g}s")

    # --- calls ------------------------------------------------------------------------------

    def call(
        self, call_type: str, payload: Mapping[str, Any] | None, timeout: float | None = None
    ) -> None:
        """Send one call with the current stream id; returns when the master accepted it.

        Waits (bounded) while the session is re-subscribing. A 307 means our master lost
        leadership: the stream is dropped so the leader is found again, and the call is sent
        once re-subscribed. Raises :class:`CallRejected` for 4xx/5xx answers.
        """
        if call_type == "SUBSCRIBE":
            raise MesosError("SUBSCRIBE is sent by subscribe(), not call()")
        deadline = time.monotonic() + (self.call_timeout if timeout is None else timeout)
        last_problem = "not subscribed"
        for _attempt in range(MAX_CALL_ATTEMPTS):
            generation = self._wait_subscribed(deadline, call_type, last_problem)
            with self._state:
                url = self._subscription.leader_url if self._subscription else ""
                stream_id = self._stream_id or ""
                framework_id = self._framework_id
            body: dict[str, Any] = {"type": call_type, "framework_id": {"value": framework_id}}
            if payload is not None:
                body[call_type.lower()] = dict(payload)
            remaining = max(0.1, deadline - time.monotonic())
            try:
                response = self._call_http.post(
                    url + SCHEDULER_PATH,
                    body,
                    {STREAM_ID_HEADER: stream_id},
                    read_timeout=remaining,
                )
            except TLSError:
                raise
            except ConnectionFailed as exc:
                last_problem = str(exc)
                self._drop_stream(generation)
                continue
            status = response.status_code
            if status in (200, 202):
                response.close()
                self._forget_offers(call_type, payload)
                return
            reason = response.text.strip()[:2000]
            response.close()
            if status == 307:
                last_problem = f"{url} no longer leads"
                self._drop_stream(generation)
                continue
            if status == 503:
                last_problem = f"{url} answered 503"
                self._stop.wait(min(0.5, max(0.0, deadline - time.monotonic())))
                continue
            error = AuthenticationFailed if status in (401, 403) else CallRejected
            raise error(status, self._call_http.redact(reason), call_type)
        raise MesosTimeout(f"{call_type} not accepted in time: {last_problem}")

    def accept(
        self,
        offer_ids: Sequence[calls.Id],
        operations: Sequence[Mapping[str, Any]],
        filters: float | Mapping[str, Any] | None = None,
    ) -> None:
        """ACCEPT offers with raw operations."""
        self.call(*calls.accept(offer_ids, operations, filters))

    def launch(
        self,
        offer_ids: Sequence[calls.Id],
        task_infos: Sequence[Mapping[str, Any]],
        filters: float | Mapping[str, Any] | None = None,
    ) -> None:
        """ACCEPT offers with one LAUNCH of ``task_infos``."""
        self.call(*calls.accept(offer_ids, [calls.launch_operation(task_infos)], filters))

    def launch_group(
        self,
        offer_ids: Sequence[calls.Id],
        executor: Mapping[str, Any],
        task_infos: Sequence[Mapping[str, Any]],
        filters: float | Mapping[str, Any] | None = None,
    ) -> None:
        """ACCEPT offers with one LAUNCH_GROUP."""
        operation = calls.launch_group_operation(executor, task_infos)
        self.call(*calls.accept(offer_ids, [operation], filters))

    def decline(
        self, offer_ids: Sequence[calls.Id], filters: float | Mapping[str, Any] | None = None
    ) -> None:
        """DECLINE offers; ``filters`` seconds (or a Filters mapping) before re-offering."""
        self.call(*calls.decline(offer_ids, filters))

    def accept_inverse_offers(
        self, ids: Sequence[calls.Id], filters: float | Mapping[str, Any] | None = None
    ) -> None:
        """ACCEPT_INVERSE_OFFERS."""
        self.call(*calls.accept_inverse_offers(ids, filters))

    def decline_inverse_offers(
        self, ids: Sequence[calls.Id], filters: float | Mapping[str, Any] | None = None
    ) -> None:
        """DECLINE_INVERSE_OFFERS."""
        self.call(*calls.decline_inverse_offers(ids, filters))

    def revive(self, roles: Sequence[str] = ()) -> None:
        """REVIVE offers."""
        self.call(*calls.revive(roles))

    def suppress(self, roles: Sequence[str] = ()) -> None:
        """SUPPRESS offers."""
        self.call(*calls.suppress(roles))

    def kill(
        self,
        task_id: calls.Id,
        agent_id: calls.Id | None = None,
        kill_policy: Mapping[str, Any] | None = None,
    ) -> None:
        """KILL a task."""
        self.call(*calls.kill(task_id, agent_id, kill_policy))

    def shutdown(self, executor_id: calls.Id, agent_id: calls.Id) -> None:
        """SHUTDOWN an executor."""
        self.call(*calls.shutdown(executor_id, agent_id))

    def acknowledge(self, agent_id: calls.Id, task_id: calls.Id, uuid: str) -> None:
        """ACKNOWLEDGE a status update (``uuid`` as the base64 text of the update)."""
        self.call(*calls.acknowledge(agent_id, task_id, uuid))

    def acknowledge_operation_status(
        self,
        uuid: str,
        operation_id: calls.Id,
        agent_id: calls.Id | None = None,
        resource_provider_id: calls.Id | None = None,
    ) -> None:
        """ACKNOWLEDGE_OPERATION_STATUS."""
        spec = calls.acknowledge_operation_status(
            uuid, operation_id, agent_id, resource_provider_id
        )
        self.call(*spec)

    def reconcile(self, tasks: Iterable[tuple[calls.Id, calls.Id | None]] = ()) -> None:
        """RECONCILE ``(task_id, agent_id)`` pairs; all known tasks when empty."""
        self.call(*calls.reconcile(tasks))

    def reconcile_operations(self, operations: Iterable[Mapping[str, Any]] = ()) -> None:
        """RECONCILE_OPERATIONS."""
        self.call(*calls.reconcile_operations(operations))

    def message(self, agent_id: calls.Id, executor_id: calls.Id, data: bytes) -> None:
        """MESSAGE to an executor."""
        self.call(*calls.message(agent_id, executor_id, data))

    def request(self, requests_: Sequence[Mapping[str, Any]]) -> None:
        """REQUEST resources."""
        self.call(*calls.request(requests_))

    def teardown(self) -> None:
        """TEARDOWN the framework: the master kills its tasks and forgets it."""
        self.call(*calls.teardown())

    # --- internals: caller side -------------------------------------------------------------

    def _acknowledge_update(self, event: Event, timeout: float) -> None:
        spec = calls.update_acknowledgement(event.status)
        if spec is None:
            return
        try:
            self.call(*spec, timeout=timeout)
        except MesosError as exc:
            # The agent re-sends unacknowledged updates, so this is recoverable.
            LOG.warning("acknowledging a status update failed: %s", exc)
            return
        self.acknowledged += 1

    def _forget_offers(self, call_type: str, payload: Mapping[str, Any] | None) -> None:
        if call_type not in ("ACCEPT", "DECLINE") or not payload:
            return
        with self._state:
            for offer_id in payload.get("offer_ids", []):
                self._offers.pop(offer_id.get("value", ""), None)

    def _wait_subscribed(self, deadline: float, call_type: str, last_problem: str) -> int:
        with self._state:
            self._state.wait_for(
                lambda: self._stream_id is not None or self._terminal is not None,
                timeout=max(0.0, deadline - time.monotonic()),
            )
            if self._terminal is not None:
                raise self._terminal.error or MesosError(f"{call_type}: session is closed")
            if self._stream_id is None:
                raise MesosTimeout(
                    f"{call_type}: not subscribed in time (re-subscription pending); "
                    f"last problem: {last_problem}"
                )
            return self._subscriptions

    def _drop_stream(self, generation: int) -> None:
        """Abort the stream of ``generation`` (if still current) so the thread reconnects."""
        with self._state:
            if generation != self._subscriptions:
                return
            self._stream_id = None
            response = self._response
        if response is not None:
            abort_stream(response)

    # --- internals: stream thread -----------------------------------------------------------

    def _run(self) -> None:
        # Whatever ends this thread, callers must be woken with a terminal state.
        error: MesosError | None = MesosError("the event stream thread failed unexpectedly")
        try:
            error = self._stream_until_done()
        finally:
            self._finish(None if self._stopping() else error)

    def _stream_until_done(self) -> MesosError | None:
        """Keep a stream open (re-subscribing) until closed; return why it ended."""
        deadline = self._first_deadline
        delays = backoff_delays()
        error: MesosError | None = None
        while not self._stopping():
            seen = self._subscriptions
            try:
                self._stream_once(deadline)
                error = ConnectionFailed("the master closed the event stream")
            except LeaderNotFound as exc:  # send_to_leader ran out of time
                return self._lost(exc)
            except (ConnectionFailed, MesosTimeout, RecordIODecodeError, EventDecodeError) as exc:
                if isinstance(exc, TLSError):
                    return exc  # a certificate problem does not heal by retrying
                error = exc
            except MesosError as exc:  # refusals and configuration errors (e.g. no kazoo)
                return exc
            if self._refusal is not None:
                return self._refusal
            if self._stopping():
                break
            if self._subscriptions != seen:
                if self.reconnect_timeout <= 0:
                    return self._lost(error)
                deadline = time.monotonic() + self.reconnect_timeout
                delays = backoff_delays()
                LOG.info("event stream lost (%s); re-subscribing", error)
            elif time.monotonic() >= deadline:
                return self._lost(error)
            self._stop.wait(min(next(delays), max(0.0, deadline - time.monotonic())))
        return error

    def _stopping(self) -> bool:
        return self._stop.is_set() or self._no_reconnect.is_set()

    def _lost(self, cause: MesosError | None) -> MesosError:
        if self._subscriptions == 0:
            return cause or SubscriptionRefused("SUBSCRIBE failed")
        return SessionLost(
            f"event stream lost and not re-established within {self.reconnect_timeout:g}s: {cause}"
        )

    def _finish(self, error: MesosError | None) -> None:
        terminal = _Terminal(error)
        with self._state:
            self._terminal = terminal
            self._stream_id = None
            self._response = None
            self._state.notify_all()
        with contextlib.suppress(queue.Full):
            self._events.put(terminal, timeout=1.0)

    def _stream_once(self, deadline: float) -> None:
        """Subscribe to the leader and consume its stream until it ends or fails."""
        call_type, payload = calls.subscribe(self.framework, self._framework_id)
        body: dict[str, Any] = {"type": call_type, "subscribe": payload}
        if self._framework_id:
            body["framework_id"] = {"value": self._framework_id}
        interval = (
            self._subscription.heartbeat_interval
            if self._subscription
            else DEFAULT_HEARTBEAT_INTERVAL
        )

        def send(url: str) -> requests.Response:
            first_byte = min(
                self.heartbeat_misses * interval, max(0.5, deadline - time.monotonic())
            )
            try:
                return self._stream_http.post(
                    url + SCHEDULER_PATH, body, stream=True, read_timeout=first_byte
                )
            except MesosTimeout as exc:
                # A master that accepts the connection but never answers is as good as gone.
                raise ConnectionFailed(str(exc)) from None

        url, response = send_to_leader(self._locator, send, deadline, "SUBSCRIBE", self._stop)
        try:
            self._check_subscribe_response(url, response)
            with self._state:
                self._response = response
                self._pending_stream = (url, response.headers[STREAM_ID_HEADER])
            if self._stop.is_set():
                return
            self._consume(url, response)
        finally:
            with self._state:
                self._response = None
                self._stream_id = None
            response.close()

    def _check_subscribe_response(self, url: str, response: requests.Response) -> None:
        if response.status_code == 200 and response.headers.get(STREAM_ID_HEADER):
            return
        reason = self._stream_http.redact(response.text.strip()[:2000])
        status = response.status_code
        if status == 200:
            raise SubscriptionRefused(f"{url} sent no {STREAM_ID_HEADER} header", status)
        what = {401: "authentication required or failed", 403: "not authorized"}.get(
            status, "refused"
        )
        detail = f": {reason}" if reason else ""
        raise SubscriptionRefused(
            f"SUBSCRIBE to {url} {what} (HTTP {status}){detail}", status, reason
        )

    def _consume(self, url: str, response: requests.Response) -> None:
        decoder = RecordIODecoder(self.max_record_size, text=True)
        try:
            for chunk in response.iter_content(chunk_size=None):
                self._last_event = time.monotonic()
                for record in decoder.feed(chunk):
                    self._dispatcher.dispatch(parse_event(record))
                if self._refusal is not None or self._stop.is_set():
                    return
            decoder.close()
        except requests.exceptions.RequestException as exc:
            if self._stop.is_set():
                return
            raise ConnectionFailed(
                f"event stream from {url} failed: {type(exc).__name__}"
                f" (no event for {self._idle_timeout():g}s or connection lost)"
            ) from None

    def _idle_timeout(self) -> float:
        interval = (
            self._subscription.heartbeat_interval
            if self._subscription
            else DEFAULT_HEARTBEAT_INTERVAL
        )
        return self.heartbeat_misses * interval

    # --- event handlers (the dispatch table) ------------------------------------------------

    def _enqueue(self, event: Event) -> None:
        # A full queue means the caller is not reading: wait (the stream pauses, which is
        # what back-pressure should do) but give up when the session is closed.
        while not self._stop.is_set():
            try:
                self._events.put(event, timeout=0.5)
                return
            except queue.Full:
                continue

    def _on_subscribed(self, event: Event) -> None:
        framework_id = event.body.get("framework_id", {}).get("value")
        interval = float(event.body.get("heartbeat_interval_seconds", DEFAULT_HEARTBEAT_INTERVAL))
        with self._state:
            url, stream_id = self._pending_stream or ("", "")
            self._framework_id = framework_id or self._framework_id
            self._stream_id = stream_id
            self._subscription = Subscription(
                framework_id=self._framework_id or "",
                stream_id=stream_id,
                leader_url=url,
                heartbeat_interval=interval,
                master_info=dict(event.body.get("master_info", {})),
            )
            self._subscriptions += 1
            self._offers.clear()  # offers do not survive a new subscription
            response = self._response
            self._state.notify_all()
        if response is not None:
            set_stream_read_timeout(response, self.heartbeat_misses * interval)
        self._enqueue(event)

    def _on_offers(self, event: Event) -> None:
        with self._state:
            for offer in event.offers:
                self._offers[offer["id"]["value"]] = offer
        self._enqueue(event)

    def _on_rescind(self, event: Event) -> None:
        with self._state:
            self._offers.pop(event.body.get("offer_id", {}).get("value", ""), None)
        self._enqueue(event)

    def _on_update(self, event: Event) -> None:
        status = event.status
        task_id = status.get("task_id", {}).get("value")
        if task_id and status.get("state"):
            with self._state:
                self._task_states[task_id] = status["state"]
        self._enqueue(event)

    def _on_error(self, event: Event) -> None:
        message = str(event.body.get("message", "")) or "ERROR event without a message"
        self._refusal = SubscriptionRefused(f"master sent ERROR: {message}", reason=message)
        self._enqueue(event)
