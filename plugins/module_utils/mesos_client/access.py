# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How a caller reaches the masters, from the options every mesos-lab module shares.

``master``, ``tls``, ``ca_path``, ``validate_certs`` and ``timeout`` (plus a principal and
secret) become a :class:`MasterAccess` that makes operator clients and scheduler sessions.
Every value is checked here, before anything is contacted; a bad one raises
:class:`OptionError` naming the option. The only I/O is reading small files on the host the
caller runs on (the zk file, ``/etc/default/mesos``) and testing whether a CA file exists.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .framework import FrameworkInfo
from .leader import normalize_master_url, parse_zk_url
from .masters import ZK_FILE, describe_masters, locate_masters
from .operator import OperatorClient
from .scheduler import SchedulerSession
from .tls_policy import refuse_tls_opt_out
from .transport import Credentials

#: Written by the mesos-lab roles; LIBPROCESS_SSL_ENABLED=true there means the masters serve
#: HTTPS only, so ``tls`` defaults to true on that host.
DEFAULTS_FILE = "/etc/default/mesos"
#: Where the mesos-lab roles put the lab CA; the default ``ca_path`` when TLS is used.
LAB_CA = "/etc/mesos/ssl/ca.pem"
#: How libprocess (stout) reads a true boolean.
TRUE_WORDS = frozenset({"true", "1"})


class OptionError(ValueError):
    """An option's value cannot be used; the message starts with the option's name."""


@dataclass(frozen=True)
class HostFiles:
    """Files on the host the caller runs on that supply defaults (paths, for tests)."""

    zk_file: str = ZK_FILE
    defaults_file: str = DEFAULTS_FILE
    lab_ca: str = LAB_CA


def ssl_enabled(defaults_file: str) -> bool:
    """Whether the shell-style ``defaults_file`` sets ``LIBPROCESS_SSL_ENABLED`` true."""
    try:
        with open(defaults_file, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    enabled = False
    for line in lines:
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue  # unbalanced quotes: the shell would refuse the line too
        if words[:1] == ["export"]:
            words = words[1:]
        for word in words:
            key, sep, value = word.partition("=")
            if sep and key == "LIBPROCESS_SSL_ENABLED":
                enabled = value.strip().lower() in TRUE_WORDS  # the last one wins, as in sh
    return enabled


def _check_master_value(value: object) -> None:
    if value is None or isinstance(value, str):
        return
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return
    raise OptionError(
        "master must be a URL, a comma-separated string or list of URLs, or a zk:// URL, "
        f"not {type(value).__name__}"
        + (" with non-string items" if isinstance(value, (list, tuple)) else "")
    )


def _check_masters(masters: str | list[str], scheme: str, source: str | None) -> None:
    where = f"master (from {source})" if source else "master"
    try:
        if isinstance(masters, str):
            parse_zk_url(masters)
        elif not masters:
            raise ValueError("no master URL in it")
        else:
            for url in masters:
                normalize_master_url(url, default_scheme=scheme)
    except ValueError as exc:
        shown = describe_masters(masters) if masters else "(empty)"
        raise OptionError(f"{where} {shown}: {exc}") from None


def _uses_tls(masters: str | list[str], scheme: str) -> bool:
    if scheme == "https":
        return True
    return isinstance(masters, list) and any(url.startswith("https://") for url in masters)


def _ca_path(given: str | None, tls: bool, lab_ca: str) -> str | None:
    if given:
        if not os.path.exists(given):
            raise OptionError(f"ca_path {given} does not exist")
        return given
    return lab_ca if tls and os.path.isfile(lab_ca) else None


def _positive_timeout(params: Mapping[str, Any]) -> float:
    timeout = params.get("timeout")
    if timeout is None:
        return 15.0
    if timeout <= 0:
        raise OptionError(f"timeout must be positive (got {timeout:g})")
    return float(timeout)


@dataclass(frozen=True)
class MasterAccess:
    """Where the masters are and how to talk to them; makes clients and sessions.

    Attributes:
        masters: a ``zk://`` URL (string) or master URLs (list), as
            :func:`~.masters.resolve_masters` gives them.
        scheme: ``https`` or ``http``, for masters without a scheme of their own.
        ca_path: CA bundle to verify with, or None for the system store.
        credentials: HTTP Basic principal and secret, or None.
        timeout: the caller's ``timeout`` option, in seconds.
    """

    masters: str | list[str]
    scheme: str
    ca_path: str | None
    credentials: Credentials | None
    timeout: float

    def operator(self, timeout: float | None = None) -> OperatorClient:
        """An OperatorClient; calls may take ``timeout`` seconds (default: :attr:`timeout`)."""
        return OperatorClient(
            self.masters,
            credentials=self.credentials,
            ca_path=self.ca_path,
            timeout=self.timeout if timeout is None else timeout,
            scheme=self.scheme,
        )

    def session(self, framework: FrameworkInfo, **options: Any) -> SchedulerSession:
        """A SchedulerSession for ``framework`` (``options`` as for SchedulerSession)."""
        return SchedulerSession(
            self.masters,
            framework,
            credentials=self.credentials,
            ca_path=self.ca_path,
            scheme=self.scheme,
            **options,
        )


def master_access(
    params: Mapping[str, Any],
    environ: Mapping[str, str],
    auth: Mapping[str, Any] | None = None,
    files: HostFiles = HostFiles(),
) -> MasterAccess:
    """A checked :class:`MasterAccess` from a module's ``params``.

    ``params`` holds ``master``, ``tls``, ``ca_path``, ``validate_certs`` and ``timeout``
    (missing ones take their defaults); ``auth`` holds ``principal`` and ``secret`` (default:
    ``params``), used only when both are set. ``tls`` None means "not set": true when
    ``files.defaults_file`` enables libprocess SSL. ``ca_path`` None with TLS in use means
    ``files.lab_ca`` if it exists, else the system CA store.

    Raises:
        OptionError: a value that cannot be used, naming the option.
        TLSVerificationRequired: ``validate_certs`` is false.
        MasterNotConfigured: no master given and none configured on this host.
    """
    refuse_tls_opt_out(params.get("validate_certs", True))
    timeout = _positive_timeout(params)
    _check_master_value(params.get("master"))
    tls = params.get("tls")
    if tls is None:
        tls = ssl_enabled(files.defaults_file)
    scheme = "https" if tls else "http"
    masters, source = locate_masters(params.get("master"), environ, files.zk_file)
    _check_masters(masters, scheme, source)
    ca_path = _ca_path(params.get("ca_path"), _uses_tls(masters, scheme), files.lab_ca)
    auth = params if auth is None else auth
    credentials = None
    if auth.get("principal") and auth.get("secret"):
        credentials = Credentials(auth["principal"], auth["secret"])
    return MasterAccess(masters, scheme, ca_path, credentials, timeout)
