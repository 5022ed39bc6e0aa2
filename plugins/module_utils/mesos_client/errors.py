# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Error hierarchy of the Mesos client.

Every error the client raises derives from :class:`MesosError`. Messages never contain
credentials: the transport strips them before an error is built, and nothing here is given
a secret to format.
"""

from __future__ import annotations


class MesosError(Exception):
    """Base class of every error raised by :mod:`mesos_client`."""


class ConnectionFailed(MesosError):
    """A master could not be reached (refused, reset, DNS, TLS handshake, ...)."""


class TLSError(ConnectionFailed):
    """The master's TLS certificate could not be verified (not retried: it will not heal)."""


class LeaderNotFound(MesosError):
    """No leading master could be found before the deadline."""


class RedirectError(LeaderNotFound):
    """A master redirected us (307) and the redirect could not be resolved to a leader."""


class SubscriptionRefused(MesosError):
    """SUBSCRIBE was refused: a non-200 answer, or an ERROR event on the stream.

    Attributes:
        status: the HTTP status of the refusal, or None for an ERROR event.
        reason: Mesos's reason (response body or the ERROR event's message).
    """

    def __init__(self, message: str, status: int | None = None, reason: str = "") -> None:
        self.status = status
        self.reason = reason
        super().__init__(message)


class SessionLost(MesosError):
    """The event stream was lost and could not be re-established before the deadline."""


class MesosTimeout(MesosError):
    """A bounded wait ran out (deadline for a call, a subscription or an event)."""


class RecordIODecodeError(MesosError):
    """The RecordIO byte stream is malformed (bad or oversized length, truncated end)."""


class CallRejected(MesosError):
    """The master answered a call with an unexpected HTTP status.

    Attributes:
        status: the HTTP status code (e.g. 400, 401, 403, 415).
        reason: Mesos's plain-text reason from the response body (may be empty).
        call_type: the call that was rejected, e.g. ``"ACCEPT"``.
    """

    def __init__(self, status: int, reason: str, call_type: str = "") -> None:
        self.status = status
        self.reason = reason
        self.call_type = call_type
        what = f"{call_type} call" if call_type else "call"
        detail = f": {reason}" if reason else ""
        super().__init__(f"{what} rejected with HTTP {status}{detail}")


class AuthenticationFailed(CallRejected):
    """The master answered 401 (missing or wrong credentials) or 403 (principal mismatch)."""


class TaskFailure(MesosError):
    """A task cannot be brought to the state asked for, or its spec is unusable.

    ``details`` say what was involved (``task_id``, the last ``status``, the ``offers``
    refused, ``killed_task_ids``); the mesos_task module returns them with its message.
    """

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.details = details
