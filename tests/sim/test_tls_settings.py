"""LIBPROCESS_SSL_* settings: unusable ones stop the process with one clear line and exit 1
(real processes), and the rules behind them (in-process: loading, aliases, the downgrade
classifier, the 'legacy' name check)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mesos_sim.process import StartupError
from mesos_sim.ssl_flags import DEFAULT_CIPHERS, load_ssl_settings
from mesos_sim.tls_context import build_tls_contexts
from mesos_sim.tls_site import looks_like_tls
from mesos_sim.tls_verify import legacy_check, openssl_scheme_refusal

from .tls_certs import Pki
from .tls_cluster import clean_environment, tls_env

BAD_SETTINGS = {
    "no key": ({"key_file": ""}, "SSL requires key! NOTE: Set path with LIBPROCESS_SSL_KEY_FILE"),
    "no cert": (
        {"cert_file": ""},
        "SSL requires certificate! NOTE: Set path with LIBPROCESS_SSL_CERT_FILE",
    ),
    "missing cert": (
        {"cert_file": "/nonexistent/cert.pem"},
        "Could not load cert file '/nonexistent/cert.pem': No such file or directory",
    ),
    "cert not PEM": ({"cert_file": "NOT_PEM"}, "Could not load cert file 'NOT_PEM'"),
    "key not PEM": ({"key_file": "NOT_PEM"}, "Could not load key file 'NOT_PEM'"),
    "key of another certificate": (
        {"key_file": "STRAY_KEY"},
        "Private key does not match the certificate public key",
    ),
    "missing CA": (
        {"ca_file": "/nonexistent/ca.pem"},
        "Could not load CA file and/or directory",
    ),
    "bad boolean": (
        {"enabled": "yes"},
        "Failed to load flags from environment variables prefixed by LIBPROCESS_SSL_ or SSL_ "
        "(deprecated): Failed to load flag 'enabled': Failed to load value 'yes': Expecting a "
        "boolean (e.g., true or false)",
    ),
    "bad scheme": (
        {"hostname_validation_scheme": "strict"},
        "Unknown value for hostname_validation_scheme: strict",
    ),
    "bad ciphers": ({"ciphers": "NO-SUCH-CIPHER"}, "Could not set ciphers 'NO-SUCH-CIPHER'"),
}


# Started as real processes (the others are checked in-process, the same code path below
# mesos_sim's main(): a process start costs seconds on a loaded 2-core machine).
PROCESS_CASES = ("no key", "key of another certificate", "bad boolean")


def _env(pki: Pki, case: str) -> dict[str, str]:
    paths = {"NOT_PEM": str(pki.not_pem), "STRAY_KEY": str(pki.stray_key)}
    return tls_env(pki, **{k: paths.get(v, v) for k, v in BAD_SETTINGS[case][0].items()})


def _message(pki: Pki, case: str) -> str:
    return BAD_SETTINGS[case][1].replace("NOT_PEM", str(pki.not_pem))


@pytest.fixture(scope="module")
def startup_failures(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """Start one master per PROCESS_CASES case, all at once; (stderr, exit code) per case."""
    running = {}
    try:
        for case in PROCESS_CASES:
            env = _env(pki, case)
            work_dir = tmp_path_factory.mktemp("bad-tls")
            running[case] = subprocess.Popen(
                [sys.executable, "-m", "mesos_sim", "master", "--ip=127.0.0.1", "--port=0",
                 f"--work_dir={work_dir}"],
                env=clean_environment(env),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
        return {case: (p.communicate(timeout=60)[1], p.returncode) for case, p in running.items()}
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)


@pytest.mark.parametrize("case", PROCESS_CASES)
def test_unusable_settings_exit_1_with_one_line(pki: Pki, startup_failures, case: str):
    stderr, code = startup_failures[case]
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith(_message(pki, case)), stderr


@pytest.mark.parametrize("case", list(BAD_SETTINGS), ids=list(BAD_SETTINGS))
def test_unusable_settings_are_refused_with_mesos_wording(pki: Pki, case: str):
    with pytest.raises(StartupError) as info:
        build_tls_contexts(load_ssl_settings(_env(pki, case)))
    assert str(info.value).startswith(_message(pki, case))
    assert "\n" not in str(info.value)


def test_ssl_off_ignores_the_other_settings(pki: Pki):
    settings = load_ssl_settings({"LIBPROCESS_SSL_ENABLED": "false", "SSL_CERT_FILE": "/x"})
    assert not settings.enabled
    assert build_tls_contexts(settings) is None
    assert settings.scheme == "http"


def test_names_aliases_and_implications_follow_libprocess(pki: Pki):
    env = {
        "libprocess_ssl_enabled": "ignored: names are matched case-sensitively on the prefix",
        "LIBPROCESS_SSL_enabled": "1",
        "SSL_CERT_FILE": str(pki.cert),  # deprecated prefix, used when the new one is absent
        "LIBPROCESS_SSL_KEY_FILE": str(pki.key),
        "SSL_KEY_FILE": "/loses/to/LIBPROCESS_SSL_KEY_FILE",
        "LIBPROCESS_SSL_REQUIRE_CERT": "true",  # legacy alias, implies server verification
        "LIBPROCESS_SSL_NO_SUCH_SETTING": "ignored like any unknown name",
    }
    settings = load_ssl_settings(env)
    assert settings.enabled and settings.scheme == "https"
    assert settings.cert_file == str(pki.cert)
    assert settings.key_file == str(pki.key)
    assert settings.require_client_cert and settings.verify_server_cert
    assert settings.ciphers == DEFAULT_CIPHERS
    assert settings.protocols == ("TLSv1_2",)
    assert settings.hostname_validation_scheme == "legacy"


def test_protocol_switches_bound_the_handshake(pki: Pki):
    settings = load_ssl_settings({**tls_env(pki), "LIBPROCESS_SSL_ENABLE_TLS_V1_3": "true"})
    contexts = build_tls_contexts(settings)
    assert contexts is not None
    assert settings.protocols == ("TLSv1_2", "TLSv1_3")
    assert contexts.server.minimum_version.name == "TLSv1_2"
    assert contexts.server.maximum_version.name == "TLSv1_3"


@pytest.mark.parametrize(
    ("first_bytes", "tls"),
    [
        (b"\x16\x03\x01\x02\x00\x01", True),  # TLS record, handshake, ClientHello
        (b"\x80\x2e\x01\x03\x01\x00", True),  # SSLv2-style ClientHello
        (b"GET /health HTTP/1.1", False),
        (b"POST /", False),
        (b"\x16", False),  # fewer than 2 bytes: plain
        (b"\x16\x03\x01\x02\x00\x02", False),  # a handshake record that is no ClientHello
        (b"\x16\x02\x01\x02\x00\x01", False),  # major version 2 in a TLS record header
        (b"", False),
    ],
)
def test_downgrade_classifier_follows_libprocess_rules(first_bytes: bytes, tls: bool):
    assert looks_like_tls(first_bytes) is tls


LAB_CERT = {
    "subject": ((("commonName", "127.0.0.1"),),),
    "subjectAltName": (("IP Address", "127.0.0.1"), ("DNS", "localhost")),
}
NAME_ONLY = {
    "subject": ((("commonName", "mesos.invalid"),),),
    "subjectAltName": (("DNS", "mesos.invalid"),),
}


def _settings(pki: Pki, **overrides: str):
    return load_ssl_settings(tls_env(pki, **overrides))


def test_legacy_check_uses_the_reverse_lookup_and_optionally_the_ip(pki: Pki):
    # 127.0.0.1 reverse-resolves to "localhost" (/etc/hosts), a DNS name of the lab cert.
    assert legacy_check(_settings(pki), LAB_CERT, "127.0.0.1", None) is None
    error = legacy_check(_settings(pki), NAME_ONLY, "127.0.0.1", None)
    assert error == (
        "Presented Certificate Name: mesos.invalid does not match peer hostname name: localhost"
    )
    ip_only = {"subjectAltName": (("IP Address", "127.0.0.1"),)}
    assert legacy_check(_settings(pki), ip_only, "127.0.0.1", None) == (
        "Could not verify presented certificate with hostname localhost, IP 127.0.0.1"
    )
    assert legacy_check(_settings(pki, verify_ipadd="true"), ip_only, "127.0.0.1", None) is None
    assert legacy_check(_settings(pki), None, "127.0.0.1", None) == (
        "Peer did not provide certificate"
    )


def test_openssl_scheme_needs_verify_ipadd_for_ip_peers(pki: Pki):
    strict = _settings(pki, hostname_validation_scheme="openssl")
    assert openssl_scheme_refusal(strict, "127.0.0.1") is not None
    assert openssl_scheme_refusal(strict, "master.lab") is None
    ipadd = _settings(pki, hostname_validation_scheme="openssl", verify_ipadd="true")
    assert openssl_scheme_refusal(ipadd, "127.0.0.1") is None
    unverified = _settings(pki, hostname_validation_scheme="openssl", verify_server_cert="false")
    assert openssl_scheme_refusal(unverified, "127.0.0.1") is None
