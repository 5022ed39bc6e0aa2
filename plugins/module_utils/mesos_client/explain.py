# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One-line explanations of client errors for people (Ansible messages, CLI output).

The messages carry Mesos's own reason (the error text, already free of secrets) and the
masters as :func:`masters.describe_masters` gives them (without URL user info).
"""

from __future__ import annotations

from .masters import describe_masters

#: Answers that mean the credentials were refused, whatever error class carries them.
AUTH_STATUSES = (401, 403)

#: Message per client error class name, looked up along the exception's MRO.
MESSAGES = {
    "MasterNotConfigured": "{exc}",
    "TLSVerificationRequired": "{exc}",
    "AuthenticationFailed": "Mesos refused the credentials ({exc}); set {credential_options} "
    "to a pair the master's --credentials holds",
    "SubscriptionRefused": "Mesos refused the framework subscription: {exc}",
    "CallRejected": "Mesos rejected a call: {exc}",
    "LeaderNotFound": "cannot reach a leading Mesos master at {master}: {exc}",
    "ConnectionFailed": "cannot reach the Mesos master at {master}: {exc}",
    "MesosError": "Mesos client error talking to {master}: {exc}",
    # Bad values the client (or master_access, naming the option) refused, and local files
    # such as a CA bundle it could not read.
    "ValueError": "invalid setting: {exc}",
    "OSError": "invalid setting: {exc}",
}

#: More specific messages for callers that hold a scheduler session and wait on it.
SESSION_MESSAGES = {
    "SessionLost": "lost the connection to the Mesos master at {master}: {exc}",
    "MesosTimeout": "timed out waiting for the Mesos master at {master}: {exc}",
}


def explain(
    exc: BaseException,
    masters: str | list[str] | None = None,
    *,
    credential_options: str = "principal and secret",
    session_messages: bool = False,
) -> str:
    """A one-line explanation of ``exc`` talking to ``masters``, with Mesos's reason.

    Args:
        exc: the error, usually a :class:`~.errors.MesosError`.
        masters: what :func:`~.masters.resolve_masters` returned (or the raw option).
        credential_options: the option names to point to when credentials are refused.
        session_messages: explain :class:`~.errors.SessionLost` and
            :class:`~.errors.MesosTimeout` on their own instead of as a generic client error.
    """
    templates = dict(SESSION_MESSAGES, **MESSAGES) if session_messages else MESSAGES
    names = [cls.__name__ for cls in type(exc).__mro__]
    if getattr(exc, "status", None) in AUTH_STATUSES:
        names.insert(0, "AuthenticationFailed")
    template = next((templates[name] for name in names if name in templates), None)
    if template is None:
        return f"{type(exc).__name__}: {exc}"
    where = describe_masters(masters) if isinstance(masters, (str, list)) else masters
    return template.format(exc=exc, master=where, credential_options=credential_options)
