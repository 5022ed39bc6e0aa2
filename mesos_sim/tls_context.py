"""OpenSSL contexts from SslSettings, built in the order of Mesos's ``openssl::reinitialize``
(CA locations, certificate, key, key check, ciphers, protocols, curves) and failing with its
messages. libprocess has one context for both directions; Python needs a server and a client
context, both get the same certificate, key, CA, ciphers and protocols.
"""

from __future__ import annotations

import logging
import ssl
import warnings
from dataclasses import dataclass

from .errors import StartupError
from .ssl_flags import SslSettings

log = logging.getLogger(__name__)

# OP_NO_* switches off one protocol in the middle of the enabled range (Python deprecates the
# options in favour of min/max versions, which cannot express a hole).
PROTOCOL_OFF = {
    "SSLv3": ssl.OP_NO_SSLv3,
    "TLSv1": ssl.OP_NO_TLSv1,
    "TLSv1_1": ssl.OP_NO_TLSv1_1,
    "TLSv1_2": ssl.OP_NO_TLSv1_2,
    "TLSv1_3": ssl.OP_NO_TLSv1_3,
}


@dataclass(frozen=True)
class TlsContexts:
    """What a TLS-enabled process serves with and connects with."""

    settings: SslSettings
    server: ssl.SSLContext
    client: ssl.SSLContext


def _no_password() -> bytes:
    # An encrypted key would make OpenSSL prompt on the terminal; a daemon must fail instead.
    return b""


def _read_check(path: str, what: str) -> None:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise StartupError(f"Could not load {what} file '{path}': {exc.strerror}") from None


def _load_ca(context: ssl.SSLContext, settings: SslSettings) -> None:
    if settings.ca_file or settings.ca_dir:
        try:
            context.load_verify_locations(cafile=settings.ca_file, capath=settings.ca_dir)
        except (OSError, ssl.SSLError) as exc:
            where = f"FILE: {settings.ca_file}" if settings.ca_file else ""
            where += f"DIR: {settings.ca_dir}" if settings.ca_dir else ""
            raise StartupError(
                f"Could not load CA file and/or directory: {_reason(exc)} -> {where}"
            ) from None
    else:
        context.set_default_verify_paths()


def _load_identity(context: ssl.SSLContext, settings: SslSettings) -> None:
    cert, key = str(settings.cert_file), str(settings.key_file)
    _read_check(cert, "cert")
    _read_check(key, "key")
    try:
        context.load_cert_chain(cert, key, password=_no_password)
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise StartupError(
                f"Private key does not match the certificate public key: {_reason(exc)}"
            ) from None
        if not _is_certificate(cert):
            raise StartupError(
                f"Could not load cert file '{cert}': no PEM certificate ({_reason(exc)})"
            ) from None
        raise StartupError(
            f"Could not load key file '{key}': not an unencrypted PEM private key ({_reason(exc)})"
        ) from None


def _is_certificate(path: str) -> bool:
    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError, ValueError):
        return False
    return True


def _reason(exc: BaseException) -> str:
    return " ".join(str(arg) for arg in exc.args[1:] or exc.args)


def _set_protocols(context: ssl.SSLContext, protocols: tuple[str, ...]) -> None:
    order = list(PROTOCOL_OFF)
    enabled = [p for p in order if p in protocols]
    if not enabled:
        log.warning("Every SSL/TLS protocol is disabled; no handshake can succeed")
        enabled = []
    try:
        if enabled:
            context.minimum_version = getattr(ssl.TLSVersion, enabled[0])
            context.maximum_version = getattr(ssl.TLSVersion, enabled[-1])
    except ValueError as exc:
        log.warning("This OpenSSL cannot enable %s: %s", enabled[0], exc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in order:
            if name not in enabled:
                context.options |= PROTOCOL_OFF[name]


def _set_curves(context: ssl.SSLContext, curves: str) -> None:
    if curves == "auto":
        return
    names = [c for c in curves.split(":") if c]
    if len(names) > 1:
        log.warning("mesos_sim sets one ECDH curve only; using '%s' of '%s'", names[0], curves)
    try:
        context.set_ecdh_curve(names[0] if names else curves)
    except (ValueError, ssl.SSLError) as exc:
        raise StartupError(f"Could not load ECDH curves '{curves}': {_reason(exc)}") from None


def _configure(context: ssl.SSLContext, settings: SslSettings) -> None:
    if settings.verify_server_cert:
        _load_ca(context, settings)
    _load_identity(context, settings)
    try:
        context.set_ciphers(settings.ciphers)
    except ssl.SSLError as exc:
        raise StartupError(f"Could not set ciphers '{settings.ciphers}': {_reason(exc)}") from None
    _set_protocols(context, settings.protocols)
    _set_curves(context, settings.ecdh_curves)


def build_tls_contexts(settings: SslSettings) -> TlsContexts | None:
    """None when SSL is off; otherwise both contexts, or StartupError."""
    if not settings.enabled:
        return None
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _configure(server, settings)
    # Server mode verifies client certificates only when they are required (SSL_VERIFY_PEER |
    # SSL_VERIFY_FAIL_IF_NO_PEER_CERT); otherwise none is asked for.
    server.verify_mode = ssl.CERT_REQUIRED if settings.require_client_cert else ssl.CERT_NONE
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    _configure(client, settings)
    if settings.verify_server_cert:
        client.verify_mode = ssl.CERT_REQUIRED
        # The 'openssl' scheme checks the name during the handshake; 'legacy' after it
        # (mesos_sim.tls_verify).
        client.check_hostname = settings.hostname_validation_scheme == "openssl"
    log.info(
        "SSL enabled (%s); %s server certificates; %s client certificates",
        "+".join(settings.protocols) or "no protocol",
        "will verify" if settings.verify_server_cert else "will not verify",
        "requires" if settings.require_client_cert else "does not require",
    )
    return TlsContexts(settings, server, client)
