# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scheduler events: parsing records into :class:`Event` and dispatching them by type.

Dispatch goes through a table (event type -> handler), never an if-chain; unknown types go
to a fallback handler so a newer master cannot break an older client.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import MesosError

#: Every event type of ``mesos.v1.scheduler.Event`` (Mesos 1.11).
EVENT_TYPES = (
    "SUBSCRIBED",
    "OFFERS",
    "INVERSE_OFFERS",
    "RESCIND",
    "RESCIND_INVERSE_OFFER",
    "UPDATE",
    "UPDATE_OPERATION_STATUS",
    "MESSAGE",
    "FAILURE",
    "ERROR",
    "HEARTBEAT",
)


class EventDecodeError(MesosError):
    """A record on the event stream is not a JSON ``Event`` object."""


@dataclass(frozen=True)
class Event:
    """One scheduler event.

    Attributes:
        type: the event type, e.g. ``"OFFERS"``.
        body: the type-specific member (``raw["offers"]`` for OFFERS), ``{}`` if absent.
        raw: the whole decoded JSON object.
    """

    type: str
    body: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def offers(self) -> list[dict[str, Any]]:
        """Offers of an OFFERS event (``[]`` for any other type)."""
        return list(self.body.get("offers", [])) if self.type == "OFFERS" else []

    @property
    def status(self) -> dict[str, Any]:
        """TaskStatus of an UPDATE event (``{}`` for any other type)."""
        return dict(self.body.get("status", {})) if self.type == "UPDATE" else {}


def parse_event(record: bytes | str) -> Event:
    """Decode one RecordIO record into an :class:`Event`."""
    try:
        raw = json.loads(record)
    except ValueError as exc:
        raise EventDecodeError(f"event record is not JSON: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise EventDecodeError("event record has no string 'type' member")
    event_type = raw["type"]
    body = raw.get(event_type.lower(), {})
    return Event(event_type, body if isinstance(body, dict) else {}, raw)


Handler = Callable[[Event], None]


class EventDispatcher:
    """Calls the handler registered for an event's type, or ``fallback``."""

    def __init__(self, handlers: Mapping[str, Handler], fallback: Handler) -> None:
        self._handlers = dict(handlers)
        self._fallback = fallback

    def dispatch(self, event: Event) -> None:
        """Run the handler for ``event.type``."""
        self._handlers.get(event.type, self._fallback)(event)
