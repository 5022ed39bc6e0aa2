# Copyright: (c) 2026, mesos-lab maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The client's TLS policy as callers see it: certificates are always verified.

Callers with a ``validate_certs`` style setting (the Ansible modules) refuse ``false`` with
:func:`refuse_tls_opt_out` instead of silently ignoring it.
"""

from __future__ import annotations

from .errors import MesosError


class TLSVerificationRequired(MesosError):
    """A caller asked not to verify TLS certificates; the client never does that."""


def refuse_tls_opt_out(validate_certs: bool) -> None:
    """Raise :class:`TLSVerificationRequired` unless ``validate_certs`` is true."""
    if not validate_certs:
        raise TLSVerificationRequired(
            "validate_certs=false is not supported: the Mesos client always verifies TLS; "
            "give the CA that signed the master's certificate with ca_path"
        )
