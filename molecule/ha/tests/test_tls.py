"""Verify scenario ha: every Mesos endpoint is HTTPS only, with certificates from the lab CA.

The lab CA is the one the roles generated on the controller. HTTPS verified with it works;
without it (the system store) or with another CA the certificate is refused; plain http
gets no answer. On the machines: the files, their modes, and the daemons' environment.
"""

from __future__ import annotations

import datetime
import ipaddress
import stat

import ha_probes
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

testinfra_hosts = ["ansible://mesos_masters", "ansible://mesos_agents"]

ENDPOINTS = [(m, ha_probes.MASTER_PORT) for m in ha_probes.MASTERS] + [
    (a, ha_probes.AGENT_PORT) for a in ha_probes.AGENTS
]
ENDPOINT_IDS = [f"{address}:{port}" for address, port in ENDPOINTS]
FILE_MODES = {"ca.pem": 0o644, "mesos.pem": 0o644, "mesos.key": 0o600}


def unit_of(host) -> str:
    return "mesos-master" if host.service("mesos-master").is_running else "mesos-agent"


def test_the_scenario_runs_with_tls(tls_on):
    assert tls_on, "molecule/ha/inventory/group_vars/all.yml must set mesos_tls: true"


def test_tls_files_are_root_owned_and_the_key_is_private(host):
    for name, mode in FILE_MODES.items():
        installed = host.file(f"{ha_probes.TLS_DIR}/{name}")
        assert installed.is_file, name
        assert (installed.user, installed.group, installed.mode) == ("root", "root", mode), name


def test_hosts_have_the_controllers_ca(host, ca):
    with open(ca, encoding="ascii") as controller_copy:
        assert host.file(f"{ha_probes.TLS_DIR}/ca.pem").content_string == controller_copy.read()


def test_host_certificate_names_the_host_and_chains_to_the_lab_ca(host, ca):
    address = ipaddress.ip_address(host.ansible.get_variables()["ansible_host"])
    cert = x509.load_pem_x509_certificate(
        host.file(f"{ha_probes.TLS_DIR}/mesos.pem").content_string.encode()
    )
    with open(ca, "rb") as handle:
        authority = x509.load_pem_x509_certificate(handle.read())
    cert.verify_directly_issued_by(authority)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert address in names.get_values_for_type(x509.IPAddress)
    assert cert.not_valid_after_utc > datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        days=30
    )


def test_daemon_runs_with_the_tls_environment(host):
    unit = unit_of(host)
    pid = int(host.check_output(f"systemctl show --property=MainPID --value {unit}"))
    assert pid > 0, f"{unit} has no main process"
    environ = host.check_output(f"tr '\\0' '\\n' < /proc/{pid}/environ").splitlines()
    expected = {
        "LIBPROCESS_SSL_ENABLED=true",
        f"LIBPROCESS_SSL_CERT_FILE={ha_probes.TLS_DIR}/mesos.pem",
        f"LIBPROCESS_SSL_KEY_FILE={ha_probes.TLS_DIR}/mesos.key",
        f"LIBPROCESS_SSL_CA_FILE={ha_probes.TLS_DIR}/ca.pem",
        "LIBPROCESS_SSL_VERIFY_SERVER_CERT=true",
        "LIBPROCESS_SSL_VERIFY_IPADD=true",
    }
    assert expected <= set(environ), sorted(e for e in environ if e.startswith("LIBPROCESS"))


def test_controller_keeps_the_lab_ca_private(ca):
    directory = ha_probes.controller_tls_dir()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "ca.key").stat().st_mode) == 0o600


@pytest.mark.parametrize(("address", "port"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_https_verified_with_the_lab_ca_works(address, port, ca):
    assert ha_probes.get(address, port, "/health", ca).status_code == 200


@pytest.mark.parametrize(("address", "port"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_https_without_the_lab_ca_is_refused(address, port, ca):
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        ha_probes.get(address, port, "/health", ca, verify=True)


@pytest.mark.parametrize(("address", "port"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_plain_http_gets_no_answer(address, port, ca):
    del ca  # only the scheme matters: http://, no TLS
    with pytest.raises(requests.exceptions.ConnectionError):
        ha_probes.get(address, port, "/health", None)


def test_a_certificate_from_another_ca_is_refused(tmp_path, ca):
    del ca
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "not the lab CA")])
    now = datetime.datetime.now(datetime.UTC)
    other = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    other_ca = tmp_path / "other-ca.pem"
    other_ca.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
        ha_probes.get(ha_probes.MASTERS[0], ha_probes.MASTER_PORT, "/health", str(other_ca))
