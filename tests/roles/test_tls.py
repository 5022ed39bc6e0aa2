"""TLS in the roles (mesos_tls / mesos_common_tls_*), in check mode against this machine.

The certificates are made for real on the controller (a temporary directory here), since the
host side needs them to show what it would install; the host side runs in check mode, so
nothing outside the temporary directory is written. Preflight refuses incomplete settings
before any change.
"""

from __future__ import annotations

import datetime
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.ports import free_port

from .playbook_run import PlaybookRun, local_inventory, run_playbook

ADDRESS = "127.0.0.1"
TLS_DIR = "/etc/mesos/ssl"
TLS_ENV_LINES = [
    "LIBPROCESS_SSL_ENABLED=true",
    f"LIBPROCESS_SSL_CERT_FILE={TLS_DIR}/mesos.pem",
    f"LIBPROCESS_SSL_KEY_FILE={TLS_DIR}/mesos.key",
    f"LIBPROCESS_SSL_CA_FILE={TLS_DIR}/ca.pem",
    "LIBPROCESS_SSL_VERIFY_SERVER_CERT=true",
    "LIBPROCESS_SSL_REQUIRE_CLIENT_CERT=false",
    "LIBPROCESS_SSL_VERIFY_IPADD=true",
    "LIBPROCESS_SSL_CIPHERS=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
]
CONTROLLER_TASKS = [
    "Create the controller's TLS directory",
    "Generate the lab CA's private key",
    "Self-sign the lab CA certificate",
    "Generate this host's private key",
    "Sign this host's certificate with the CA",
]


def tls_plays(entry_points: list[str], **play_vars) -> list[dict]:
    """The given mesos_common entry points for a master on checkhost, then stop."""
    tasks = [
        {
            "name": f"mesos_common {entry}",
            "ansible.builtin.import_role": {"name": "mesos_common", "tasks_from": entry},
        }
        for entry in entry_points
    ]
    return [
        {
            "name": "TLS, check mode",
            "hosts": "checkhost",
            "gather_facts": False,
            "vars": {
                "mesos_flavor": "simulator",
                "mesos_common_component": "master",
                "mesos_common_address": ADDRESS,
                **play_vars,
            },
            "tasks": [
                *tasks,
                {"name": "Stop before the handlers", "ansible.builtin.meta": "end_play"},
            ],
            # The roles' restart handlers need systemd; this one only has to exist.
            "handlers": [
                {
                    "name": "Configuration changed",
                    "ansible.builtin.debug": {"msg": "a restart would follow"},
                    "listen": "mesos_common configuration changed",
                }
            ],
        }
    ]


def render(tmp_path: Path, **play_vars) -> PlaybookRun:
    """Run tls + config; fail the test with the output if the run fails."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    run = run_playbook(
        tmp_path, local_inventory(free_port()), tls_plays(["tls", "config"], **play_vars)
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    return run


def load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def make_ca(directory: Path, name: str) -> tuple[Path, Path]:
    """A throwaway CA (certificate, key) of the user's own, in ``directory``."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[PlaybookRun, PlaybookRun, Path, bytes]:
    """Two runs with the generated lab CA; the CA's bytes after the first run."""
    controller = tmp_path_factory.mktemp("controller") / ".mesos-tls"
    settings = {"mesos_tls": True, "mesos_common_tls_controller_dir": str(controller)}
    first = render(tmp_path_factory.mktemp("first"), **settings)
    ca_after_first = (controller / "ca.pem").read_bytes()
    second = render(tmp_path_factory.mktemp("second"), **settings)
    return first, second, controller, ca_after_first


def test_environment_turns_tls_on(generated):
    first, _, _, _ = generated
    environment = first.after("Write /etc/default/mesos")["/etc/default/mesos"].splitlines()
    assert [line for line in environment if line.startswith("LIBPROCESS_SSL_")] == TLS_ENV_LINES


def test_the_lab_ca_and_host_key_stay_private_on_the_controller(generated):
    _, _, controller, _ = generated
    assert mode_of(controller) == 0o700
    assert sorted(p.name for p in controller.iterdir()) == [
        "ca.key",
        "ca.pem",
        "checkhost.key",
        "checkhost.pem",
    ]
    assert mode_of(controller / "ca.key") == 0o600
    assert mode_of(controller / "checkhost.key") == 0o600


def test_host_certificate_names_the_host_and_chains_to_the_lab_ca(generated):
    _, _, controller, _ = generated
    cert = load_cert(controller / "checkhost.pem")
    cert.verify_directly_issued_by(load_cert(controller / "ca.pem"))
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == [ADDRESS]
    assert names.get_values_for_type(x509.DNSName) == ["checkhost"]
    usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(usages) == {
        x509.ExtendedKeyUsageOID.SERVER_AUTH,
        x509.ExtendedKeyUsageOID.CLIENT_AUTH,
    }
    authority = load_cert(controller / "ca.pem")
    assert authority.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_files_installed_with_their_modes(generated):
    first, _, controller, _ = generated
    planned = {
        name: first.result(name)
        for name in (
            "Install the CA certificate",
            "Install this host's certificate",
            "Install this host's private key",
        )
    }
    ca, cert, key = planned.values()
    assert (ca["invocation"]["module_args"]["dest"], ca["invocation"]["module_args"]["mode"]) == (
        f"{TLS_DIR}/ca.pem",
        "0644",
    )
    assert first.after("Install the CA certificate") == {
        f"{TLS_DIR}/ca.pem": (controller / "ca.pem").read_text()
    }
    assert cert["invocation"]["module_args"]["dest"] == f"{TLS_DIR}/mesos.pem"
    assert all(result["changed"] for result in planned.values())
    # The private key's task is no_log: neither its arguments nor its content are shown.
    assert key.get("censored"), key
    assert "PRIVATE KEY" not in first.stdout + first.stderr


def test_second_run_regenerates_nothing(generated):
    _, second, controller, ca_after_first = generated
    for name in CONTROLLER_TASKS:
        assert second.result(name)["changed"] is False, name
    assert (controller / "ca.pem").read_bytes() == ca_after_first


def test_a_certificate_close_to_expiry_is_issued_again(tmp_path):
    controller = tmp_path / "controller"
    settings = {"mesos_tls": True, "mesos_common_tls_controller_dir": str(controller)}
    render(tmp_path / "short", **settings, mesos_common_tls_cert_valid_days=40)
    serial = load_cert(controller / "checkhost.pem").serial_number
    # The 40-day certificate expires within the new 45-day renewal window.
    again = render(
        tmp_path / "renew",
        **settings,
        mesos_common_tls_cert_valid_days=90,
        mesos_common_tls_renew_days=45,
    )
    assert again.result("Sign this host's certificate with the CA")["changed"] is True
    assert again.result("Self-sign the lab CA certificate")["changed"] is False
    assert load_cert(controller / "checkhost.pem").serial_number != serial


def test_own_ca_issues_the_host_certificate_and_keeps_its_key_home(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    ca_cert, ca_key = make_ca(own, "users-ca")
    controller = tmp_path / "controller"
    run = render(
        tmp_path,
        mesos_tls=True,
        mesos_common_tls_controller_dir=str(controller),
        mesos_common_tls_ca_cert_src=str(ca_cert),
        mesos_common_tls_ca_key_src=str(ca_key),
    )
    assert sorted(p.name for p in controller.iterdir()) == ["checkhost.key", "checkhost.pem"]
    load_cert(controller / "checkhost.pem").verify_directly_issued_by(load_cert(ca_cert))
    assert run.after("Install the CA certificate") == {f"{TLS_DIR}/ca.pem": ca_cert.read_text()}


def test_own_certificates_are_installed_as_given(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    ca_cert, _ = make_ca(own, "users-ca")
    host_cert, host_key = make_ca(own, "users-host")
    controller = tmp_path / "controller"
    run = render(
        tmp_path,
        mesos_tls=True,
        mesos_common_tls_controller_dir=str(controller),
        mesos_common_tls_ca_cert_src=str(ca_cert),
        mesos_common_tls_cert_src=str(host_cert),
        mesos_common_tls_key_src=str(host_key),
    )
    assert not controller.exists(), "nothing is generated when the certificates are given"
    assert run.after("Install this host's certificate") == {
        f"{TLS_DIR}/mesos.pem": host_cert.read_text()
    }


def test_tls_off_writes_no_tls_environment_and_removes_the_files(tmp_path):
    controller = tmp_path / "controller"
    run = render(tmp_path, mesos_common_tls_controller_dir=str(controller))
    environment = run.after("Write /etc/default/mesos")["/etc/default/mesos"]
    assert "LIBPROCESS_SSL" not in environment
    removed = run.results("Remove the TLS files when TLS is off")
    assert sorted(r["path"] for r in removed) == [
        f"{TLS_DIR}/ca.pem",
        f"{TLS_DIR}/mesos.key",
        f"{TLS_DIR}/mesos.pem",
    ]
    assert not controller.exists()


def refused(tmp_path: Path, **play_vars) -> PlaybookRun:
    """Run preflight (+ tls, which must not start) and expect a failure."""
    run = run_playbook(
        tmp_path,
        local_inventory(free_port()),
        tls_plays(["preflight", "tls"], mesos_tls=True, **play_vars),
    )
    assert run.returncode != 0, run.stdout[-4000:]
    assert "Traceback" not in run.stdout + run.stderr
    names = [task["task"]["name"].split(" : ", 1)[-1] for task in run.tasks]
    assert not set(names) & set(CONTROLLER_TASKS), names
    return run


BAD_COMBINATIONS = {
    "CA key without its certificate": {"mesos_common_tls_ca_key_src": "{ca_key}"},
    "host certificate without a key": {
        "mesos_common_tls_ca_cert_src": "{ca_cert}",
        "mesos_common_tls_cert_src": "{ca_cert}",
    },
    "host certificate without a CA": {
        "mesos_common_tls_cert_src": "{ca_cert}",
        "mesos_common_tls_key_src": "{ca_key}",
    },
    "CA key and host certificate together": {
        "mesos_common_tls_ca_cert_src": "{ca_cert}",
        "mesos_common_tls_ca_key_src": "{ca_key}",
        "mesos_common_tls_cert_src": "{ca_cert}",
        "mesos_common_tls_key_src": "{ca_key}",
    },
    "a file that does not exist": {
        "mesos_common_tls_ca_cert_src": "{missing}",
        "mesos_common_tls_ca_key_src": "{ca_key}",
    },
    "a name that is neither IP: nor DNS:": {
        "mesos_common_tls_subject_alt_names": ["IP:127.0.0.1", "mesos.lab"]
    },
    "renewal window longer than the validity": {
        "mesos_common_tls_cert_valid_days": 20,
        "mesos_common_tls_renew_days": 30,
    },
}


@pytest.mark.parametrize("settings", BAD_COMBINATIONS.values(), ids=BAD_COMBINATIONS.keys())
def test_preflight_refuses_incomplete_tls_settings(tmp_path, settings):
    ca_cert, ca_key = make_ca(tmp_path, "ca")
    paths = {"ca_cert": str(ca_cert), "ca_key": str(ca_key), "missing": str(tmp_path / "nope")}
    play_vars = {
        name: value.format(**paths) if isinstance(value, str) else value
        for name, value in settings.items()
    }
    run = refused(tmp_path, mesos_common_tls_controller_dir=str(tmp_path / "ctl"), **play_vars)
    message = run.result("Assert the TLS settings name a complete set of certificates")["msg"]
    assert "TLS is on" in message and "mesos_common_tls_ca_cert_src" in message
    assert not (tmp_path / "ctl").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("mesos_tls", "maybe"),
        ("mesos_common_tls_verify_server_cert", "sometimes"),
        ("mesos_common_tls_cert_valid_days", "a year"),
        ("mesos_common_tls_subject_alt_names", {"ip": "127.0.0.1"}),
    ],
)
def test_argument_specs_reject_wrong_types(tmp_path, name, value):
    run = run_playbook(
        tmp_path,
        local_inventory(free_port()),
        tls_plays(["config", "tls"], **{name: value}),
    )
    assert run.returncode != 0
    failed = [
        task["hosts"]["checkhost"]
        for task in run.tasks
        if task["task"]["name"].split(" : ", 1)[-1].startswith("Validating arguments")
        and task["hosts"]["checkhost"].get("failed")
    ]
    assert failed, run.stdout[-4000:]
    expected = "mesos_common_tls_enabled" if name == "mesos_tls" else name
    assert expected in " ".join(failed[0].get("argument_errors", []))
