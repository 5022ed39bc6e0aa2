# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""FrameworkInfo: who the scheduler says it is when it subscribes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FrameworkInfo:
    """The ``framework_info`` of a SUBSCRIBE call.

    ``failover_timeout`` (seconds) is what lets a framework survive a lost connection: with
    the Mesos default of 0 the master tears the framework and its tasks down the moment the
    stream drops. ``principal`` must match the HTTP Basic principal when the master
    authenticates frameworks. ``extra`` is merged in last for fields not modelled here.
    """

    user: str
    name: str
    roles: Sequence[str] = ("*",)
    failover_timeout: float | None = None
    capabilities: Sequence[str] = ()
    principal: str | None = None
    hostname: str | None = None
    checkpoint: bool | None = None
    webui_url: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.user or not self.name:
            raise ValueError("FrameworkInfo needs a user and a name")
        if not self.roles:
            raise ValueError("FrameworkInfo needs at least one role (use '*' for none)")
        if self.failover_timeout is not None and self.failover_timeout < 0:
            raise ValueError("failover_timeout must be >= 0 seconds")

    @classmethod
    def from_options(cls, options: Mapping[str, Any], **overrides: Any) -> FrameworkInfo:
        """From a module's framework options (``user``, ``name``, ``role``, ``principal`` and,
        when present, ``failover_timeout`` and ``checkpoint``); ``overrides`` win."""
        fields = {
            "user": options["user"],
            "name": options["name"],
            "roles": (options["role"],),
            "failover_timeout": options.get("failover_timeout"),
            "principal": options.get("principal"),
            "checkpoint": options.get("checkpoint"),
        }
        return cls(**dict(fields, **overrides))

    def to_json(self, framework_id: str | None = None) -> dict[str, Any]:
        """The JSON ``FrameworkInfo``; ``framework_id`` is set when re-subscribing."""
        # `roles` is only honoured with the MULTI_ROLE capability (Mesos >= 1.2).
        capabilities = list(dict.fromkeys(["MULTI_ROLE", *self.capabilities]))
        info: dict[str, Any] = {
            "user": self.user,
            "name": self.name,
            "roles": list(self.roles),
            "capabilities": [{"type": name} for name in capabilities],
        }
        optional = {
            "failover_timeout": self.failover_timeout,
            "principal": self.principal,
            "hostname": self.hostname,
            "checkpoint": self.checkpoint,
            "webui_url": self.webui_url,
        }
        info.update({key: value for key, value in optional.items() if value is not None})
        if self.labels:
            info["labels"] = {
                "labels": [{"key": key, "value": value} for key, value in self.labels.items()]
            }
        if framework_id:
            info["id"] = {"value": framework_id}
        info.update(self.extra)
        return info
