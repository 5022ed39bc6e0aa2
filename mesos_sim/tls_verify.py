"""Certificate name checks of Mesos's 'legacy' hostname validation scheme (``openssl::verify``)
and the 'openssl' scheme's refusal to check an IP without LIBPROCESS_SSL_VERIFY_IPADD.

'legacy' runs after the handshake (the chain is already verified by OpenSSL): the peer's name
is the reverse DNS lookup of its IP (falling back to the name connected to); it must equal a
DNS subjectAltName or, failing those, the common name; with VERIFY_IPADD an IP subjectAltName
equal to the peer's IP is accepted too.
"""

from __future__ import annotations

import ipaddress
import logging
import socket

from .ssl_flags import SslSettings

log = logging.getLogger(__name__)


def is_ip_literal(host: str) -> bool:
    """True for ``127.0.0.1`` or ``::1``, False for a name."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def reverse_lookup(ip: str) -> str | None:
    """The first name of a reverse DNS lookup of ``ip`` (blocking, as in libprocess)."""
    try:
        return socket.gethostbyaddr(ip)[0]
    except OSError as exc:
        log.warning("Reverse DNS lookup for '%s' failed: %s", ip, exc)
        return None


def openssl_scheme_refusal(settings: SslSettings, host: str) -> str | None:
    """Why an outgoing connection to ``host`` cannot be verified, or None."""
    if (
        settings.verify_server_cert
        and settings.hostname_validation_scheme == "openssl"
        and is_ip_literal(host)
        and not settings.verify_ipadd
    ):
        return "No DNS name given and IP address verification is disabled"
    return None


def _names(peercert: dict) -> tuple[list[str], list[str], str | None]:
    dns = [v for k, v in peercert.get("subjectAltName", ()) if k == "DNS"]
    ips = [v for k, v in peercert.get("subjectAltName", ()) if k == "IP Address"]
    common = None
    for rdn in peercert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                common = value
    return dns, ips, common


def legacy_check(
    settings: SslSettings, peercert: dict | None, ip: str | None, hostname: str | None
) -> str | None:
    """The error of ``openssl::verify`` in 'legacy' mode, or None when the peer is accepted."""
    if not peercert:
        return "Peer did not provide certificate"
    peer_hostname = hostname
    if ip is not None:
        peer_hostname = reverse_lookup(ip) or peer_hostname
    if not settings.verify_ipadd and peer_hostname is None:
        if settings.require_client_cert:
            return "Cannot verify peer certificate: peer hostname unknown"
        return None
    dns, ips, common = _names(peercert)
    if peer_hostname is not None and peer_hostname in dns:
        return None
    if settings.verify_ipadd and ip is not None and _same_ip(ip, ips):
        return None
    if peer_hostname is not None and common is not None:
        if common != peer_hostname:
            return (
                f"Presented Certificate Name: {common} does not match peer hostname name: "
                f"{peer_hostname}"
            )
        return None
    details = [f"hostname {peer_hostname}"] if peer_hostname else []
    details += [f"IP {ip}"] if ip else []
    return "Could not verify presented certificate with " + ", ".join(details)


def _same_ip(ip: str, candidates: list[str]) -> bool:
    try:
        wanted = ipaddress.ip_address(ip)
        return any(ipaddress.ip_address(c.strip()) == wanted for c in candidates)
    except ValueError:
        return False
