# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the Mesos masters are: an explicit value, ``$MESOS_MASTER``, or ``/etc/mesos/zk``.

Pure helpers for callers (the Ansible modules) that let the master be omitted on hosts the
mesos-lab roles configured. Reading ``zk_file`` is the only I/O.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from urllib.parse import urlsplit

from .errors import MesosError

#: Written by the mesos-lab roles on every Mesos host; holds the ``zk://`` URL of the masters.
ZK_FILE = "/etc/mesos/zk"


class MasterNotConfigured(MesosError):
    """No master was given and neither ``$MESOS_MASTER`` nor the zk file names one."""


#: Where :func:`locate_masters` found the masters when the option was not given.
ENVIRONMENT_SOURCE = "the MESOS_MASTER environment variable"


def resolve_masters(
    value: object, environ: Mapping[str, str], zk_file: str = ZK_FILE
) -> str | list[str]:
    """The masters to talk to: ``value``, else ``environ["MESOS_MASTER"]``, else ``zk_file``.

    ``value`` may be a URL, a comma-separated string of URLs, a list of URLs or a ``zk://``
    URL. Returns the ``zk://`` URL as a string, or the master URLs as a list (so callers can
    tell the two apart). Raises :class:`MasterNotConfigured` when none of the three says.
    """
    return locate_masters(value, environ, zk_file)[0]


def locate_masters(
    value: object, environ: Mapping[str, str], zk_file: str = ZK_FILE
) -> tuple[str | list[str], str | None]:
    """:func:`resolve_masters` and where the answer came from: None for ``value`` itself,
    else :data:`ENVIRONMENT_SOURCE` or ``zk_file`` (for messages)."""
    source = None
    if value in (None, "", []):
        value, source = environ.get("MESOS_MASTER", "").strip(), ENVIRONMENT_SOURCE
    if not value:
        try:
            with open(zk_file, encoding="utf-8") as handle:
                value, source = handle.read().strip(), zk_file
        except OSError:
            value = ""
    if not value:
        raise MasterNotConfigured(
            "no Mesos master given: set the 'master' option (http://host:5050, a list of "
            f"URLs or zk://host:2181/mesos), the MESOS_MASTER environment variable, or {zk_file}"
        )
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()], source
    text = str(value).strip()
    if text.startswith("zk://"):
        return text, source
    return [part.strip() for part in text.split(",") if part.strip()], source


def needs_kazoo(masters: str | list[str]) -> bool:
    """True for a ``zk://`` master (a string; URL lists are lists) when kazoo is not installed."""
    return isinstance(masters, str) and importlib.util.find_spec("kazoo") is None


def hide_password(url: str) -> str:
    """``url`` with the password of its ``user:password@`` part (if any) as ``<hidden>``."""
    try:
        password = urlsplit(url).password if "://" in url else None
    except ValueError:  # a netloc urllib cannot split: say nothing of it rather than leak
        return url.split("://", 1)[0] + "://<hidden>"
    return url.replace(f":{password}@", ":<hidden>@", 1) if password else url


def describe_masters(masters: str | list[str]) -> str:
    """The masters for a message, passwords hidden (``zk://user:<hidden>@host:2181/mesos``)."""
    if isinstance(masters, str):
        return hide_password(masters)
    return ", ".join(hide_password(str(url)) for url in masters)
