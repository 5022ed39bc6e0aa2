"""libprocess's SSL settings, read the way Mesos 1.11 reads them (``openssl::reinitialize``):
only from environment variables ``LIBPROCESS_SSL_<NAME>`` or the deprecated ``SSL_<NAME>``
(the former wins; a differing pair is logged), names case-insensitive, unknown names ignored,
values with stout's rules (booleans ``true|1|false|0``). There are no command-line flags.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import StartupError
from .flags import Flag, FlagError, Flags

log = logging.getLogger(__name__)

PREFIX = "LIBPROCESS_SSL_"
DEPRECATED_PREFIX = "SSL_"
DEFAULT_CIPHERS = (
    "AES128-SHA:AES256-SHA:RC4-SHA:DHE-RSA-AES128-SHA:DHE-DSS-AES128-SHA:"
    "DHE-RSA-AES256-SHA:DHE-DSS-AES256-SHA"
)
VALIDATION_SCHEMES = ("legacy", "openssl")
PROTOCOL_FLAGS = (
    ("enable_ssl_v3", "SSLv3"),
    ("enable_tls_v1_0", "TLSv1"),
    ("enable_tls_v1_1", "TLSv1_1"),
    ("enable_tls_v1_2", "TLSv1_2"),
    ("enable_tls_v1_3", "TLSv1_3"),
)

SPECS = [
    Flag("enabled", "bool", "false", "Whether SSL is enabled."),
    Flag("support_downgrade", "bool", "false", "Accept non-SSL connections on the SSL port."),
    Flag("cert_file", "str", None, "Path to certificate."),
    Flag("key_file", "str", None, "Path to key."),
    Flag("verify_cert", "bool", "false", "Legacy alias for `verify_server_cert`."),
    Flag("verify_server_cert", "bool", "false", "Verify server certificates (client mode)."),
    Flag("require_cert", "bool", "false", "Legacy alias for `require_client_cert`."),
    Flag("require_client_cert", "bool", "false", "Require client certificates (server mode)."),
    Flag("verify_ipadd", "bool", "false", "Accept IP addresses in subjectAltName."),
    Flag("verification_depth", "int", "4", "Maximum certificate chain depth."),
    Flag("ca_dir", "str", None, "Path to certificate authority (CA) directory."),
    Flag("ca_file", "str", None, "Path to certificate authority (CA) file."),
    Flag("ciphers", "str", DEFAULT_CIPHERS, "Cryptographic ciphers to use."),
    Flag("ecdh_curves", "str", "auto", "Colon separated list of curve names, or auto."),
    Flag("hostname_validation_scheme", "str", "legacy", "legacy or openssl."),
    *(
        Flag(name, "bool", "true" if name == "enable_tls_v1_2" else "false", f"Enable {proto}.")
        for name, proto in PROTOCOL_FLAGS
    ),
]


@dataclass(frozen=True)
class SslSettings:
    """The effective settings after Mesos's aliases and implications were applied."""

    enabled: bool
    support_downgrade: bool = False
    cert_file: str | None = None
    key_file: str | None = None
    verify_server_cert: bool = False
    require_client_cert: bool = False
    verify_ipadd: bool = False
    verification_depth: int = 4
    ca_dir: str | None = None
    ca_file: str | None = None
    ciphers: str = DEFAULT_CIPHERS
    ecdh_curves: str = "auto"
    hostname_validation_scheme: str = "legacy"
    protocols: tuple[str, ...] = ("TLSv1_2",)

    @property
    def scheme(self) -> str:
        """The URL scheme every libprocess endpoint of this process speaks."""
        return "https" if self.enabled else "http"


DISABLED = SslSettings(enabled=False)


def _extract(environ: Mapping[str, str], prefix: str, known: set[str]) -> dict[str, str]:
    """stout's ``FlagsBase::extract``: lower-cased names after ``prefix``, known ones only."""
    values = {}
    for key, value in environ.items():
        if key.startswith(prefix):
            name = key[len(prefix) :].lower()
            if name.removeprefix("no-") in known:
                values[name] = value
    return values


def load_ssl_settings(environ: Mapping[str, str]) -> SslSettings:
    """Read the SSL environment; StartupError with Mesos's wording when it is unusable."""
    known = {spec.name for spec in SPECS}
    deprecated = _extract(environ, DEPRECATED_PREFIX, known)
    values = _extract(environ, PREFIX, known)
    for name, value in deprecated.items():
        if name in values and values[name] != value:
            log.warning(
                "Mismatched values for SSL environment variables SSL_%s and LIBPROCESS_SSL_%s",
                name,
                name,
            )
        values.setdefault(name, value)
    flags = Flags(SPECS)
    try:
        flags.load_values(values)
    except FlagError as exc:
        raise StartupError(
            "Failed to load flags from environment variables prefixed by LIBPROCESS_SSL_ or "
            f"SSL_ (deprecated): {exc}"
        ) from None
    if not flags.enabled:
        return DISABLED
    return _effective(flags)


def _effective(flags: Flags) -> SslSettings:
    """Aliases, implications and the checks of ``reinitialize`` that come before OpenSSL."""
    if flags.support_downgrade:
        log.warning("Failed SSL connections will be downgraded to a non-SSL socket")
    verify_server = bool(flags.verify_server_cert)
    require_client = bool(flags.require_client_cert)
    if flags.verify_cert:
        log.warning(
            "Usage of LIBPROCESS_SSL_VERIFY_CERT is deprecated; "
            "it was renamed to LIBPROCESS_SSL_VERIFY_SERVER_CERT"
        )
        verify_server = True
    if flags.require_cert:
        log.warning(
            "Usage of LIBPROCESS_SSL_REQUIRE_CERT is deprecated; "
            "it was renamed to LIBPROCESS_SSL_REQUIRE_CLIENT_CERT"
        )
        require_client = True
    if (verify_server or require_client) and flags.support_downgrade:
        log.warning(
            "TLS certificate verification was enabled by setting one of "
            "LIBPROCESS_SSL_VERIFY_CERT or LIBPROCESS_SSL_REQUIRE_CERT, but can be bypassed "
            "because TLS downgrades are enabled."
        )
    if not flags.key_file:
        raise StartupError("SSL requires key! NOTE: Set path with LIBPROCESS_SSL_KEY_FILE")
    if not flags.cert_file:
        raise StartupError("SSL requires certificate! NOTE: Set path with LIBPROCESS_SSL_CERT_FILE")
    if require_client and not verify_server:
        # Mesos: "LIBPROCESS_SSL_REQUIRE_CERT implies server certificate verification."
        verify_server = True
    scheme = str(flags.hostname_validation_scheme)
    if scheme not in VALIDATION_SCHEMES:
        raise StartupError(f"Unknown value for hostname_validation_scheme: {scheme}")
    return SslSettings(
        enabled=True,
        support_downgrade=bool(flags.support_downgrade),
        cert_file=str(flags.cert_file),
        key_file=str(flags.key_file),
        verify_server_cert=verify_server,
        require_client_cert=require_client,
        verify_ipadd=bool(flags.verify_ipadd),
        verification_depth=int(flags.verification_depth),
        ca_dir=flags.ca_dir,
        ca_file=flags.ca_file,
        ciphers=str(flags.ciphers),
        ecdh_curves=str(flags.ecdh_curves),
        hostname_validation_scheme=scheme,
        protocols=tuple(proto for name, proto in PROTOCOL_FLAGS if getattr(flags, name)),
    )
