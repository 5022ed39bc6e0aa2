"""master_access(): the modules' shared options checked before any contact, and the host's
defaults (``/etc/default/mesos``, the lab CA, ``/etc/mesos/zk``) read from temp files."""

from __future__ import annotations

from pathlib import Path

import pytest
from mesos_client import (
    Credentials,
    HostFiles,
    MasterNotConfigured,
    OptionError,
    TLSVerificationRequired,
    master_access,
    ssl_enabled,
)

ZK_URL = "zk://192.168.33.10:2181/mesos"


@pytest.fixture
def host(tmp_path: Path) -> HostFiles:
    """Host files that do not exist yet (tests write the ones they need)."""
    return HostFiles(
        zk_file=str(tmp_path / "zk"),
        defaults_file=str(tmp_path / "default-mesos"),
        lab_ca=str(tmp_path / "ssl" / "ca.pem"),
    )


def write(path: str, text: str) -> str:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")
    return path


# --- /etc/default/mesos ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "enabled"),
    [
        ("LIBPROCESS_SSL_ENABLED=true\n", True),
        ('export LIBPROCESS_SSL_ENABLED="TRUE"\n', True),
        ("LIBPROCESS_SSL_ENABLED=1  # on\n", True),
        ("LIBPROCESS_SSL_ENABLED=false\n", False),
        ("LIBPROCESS_SSL_ENABLED=yes\n", False),  # stout reads only true/1 as true
        ("# LIBPROCESS_SSL_ENABLED=true\n", False),
        ("LIBPROCESS_SSL_ENABLED=true\nLIBPROCESS_SSL_ENABLED=false\n", False),
        ("ULIMIT=-n 8192\nLIBPROCESS_SSL_ENABLED='true'\n", True),
        ("LIBPROCESS_SSL_ENABLED='true\n", False),  # unbalanced quote: not a setting
        ("MESOS_LIBPROCESS_SSL_ENABLED=true\n", False),
        ("", False),
    ],
)
def test_ssl_enabled_reads_the_defaults_file(tmp_path: Path, text: str, enabled: bool) -> None:
    assert ssl_enabled(write(str(tmp_path / "default"), text)) is enabled


def test_ssl_enabled_without_a_readable_file(tmp_path: Path) -> None:
    assert ssl_enabled(str(tmp_path / "absent")) is False
    (tmp_path / "binary").write_bytes(b"\xff\xfe\x00")
    assert ssl_enabled(str(tmp_path / "binary")) is False


# --- tls and the scheme -----------------------------------------------------------------------


def test_tls_unset_follows_the_defaults_file(host: HostFiles) -> None:
    params = {"master": "192.168.33.10:5050"}
    assert master_access(params, {}, files=host).scheme == "http"
    write(host.defaults_file, "LIBPROCESS_SSL_ENABLED=true\n")
    assert master_access(params, {}, files=host).scheme == "https"
    assert master_access(dict(params, tls=False), {}, files=host).scheme == "http"


def test_tls_true_for_zookeeper_masters_from_the_zk_file(host: HostFiles) -> None:
    write(host.zk_file, ZK_URL + "\n")
    access = master_access({"tls": True}, {}, files=host)
    assert access.masters == ZK_URL and access.scheme == "https"


# --- ca_path ----------------------------------------------------------------------------------


def test_lab_ca_is_the_default_only_when_tls_is_used(host: HostFiles) -> None:
    write(host.lab_ca, "not checked here\n")
    assert master_access({"master": "m:5050", "tls": True}, {}, files=host).ca_path == host.lab_ca
    assert master_access({"master": "m:5050"}, {}, files=host).ca_path is None
    explicit = master_access({"master": "https://m:5050"}, {}, files=host)
    assert explicit.ca_path == host.lab_ca


def test_system_store_without_the_lab_ca(host: HostFiles) -> None:
    assert master_access({"master": "m:5050", "tls": True}, {}, files=host).ca_path is None


def test_given_ca_path_wins_and_must_exist(host: HostFiles, tmp_path: Path) -> None:
    write(host.lab_ca, "lab\n")
    mine = write(str(tmp_path / "mine.pem"), "mine\n")
    params = {"master": "m:5050", "tls": True, "ca_path": mine}
    assert master_access(params, {}, files=host).ca_path == mine
    with pytest.raises(OptionError, match=r"^ca_path .*absent.pem does not exist"):
        master_access(dict(params, ca_path=str(tmp_path / "absent.pem")), {}, files=host)


def test_validate_certs_false_is_refused(host: HostFiles) -> None:
    with pytest.raises(TLSVerificationRequired, match="validate_certs"):
        master_access({"master": "m:5050", "validate_certs": False}, {}, files=host)


# --- master and timeout -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("master", "pattern"),
    [
        ("zk://", r"^master zk://: ZooKeeper URL needs hosts and a path"),
        ("zk://h:2181", r"^master zk://h:2181: ZooKeeper URL needs hosts and a path"),
        ("not a url", r"^master not a url: not a master URL"),
        (",", r"^master \(empty\): no master URL in it"),
        ({"a": 1}, r"^master must be a URL.*not dict"),
        (["http://a:1", 5], r"^master must be a URL.*with non-string items"),
        (5050, r"^master must be a URL.*not int"),
    ],
)
def test_bad_master_names_the_option(host: HostFiles, master: object, pattern: str) -> None:
    with pytest.raises(OptionError, match=pattern):
        master_access({"master": master}, {}, files=host)


def test_bad_master_from_the_host_says_where_it_came_from(host: HostFiles) -> None:
    with pytest.raises(OptionError, match=r"^master \(from the MESOS_MASTER environment"):
        master_access({}, {"MESOS_MASTER": "zk://nohosts"}, files=host)
    write(host.zk_file, "zk://h:2181\n")
    with pytest.raises(OptionError, match=rf"^master \(from {host.zk_file}\) zk://h:2181"):
        master_access({}, {}, files=host)


def test_a_password_in_a_bad_master_is_hidden(host: HostFiles) -> None:
    with pytest.raises(OptionError) as raised:
        master_access({"master": "zk://user:s3cr3t@h:2181"}, {}, files=host)
    assert "s3cr3t" not in str(raised.value) and "<hidden>" in str(raised.value)


def test_no_master_anywhere(host: HostFiles) -> None:
    with pytest.raises(MasterNotConfigured, match="no Mesos master given"):
        master_access({}, {}, files=host)


@pytest.mark.parametrize("timeout", [0, -1, -0.5])
def test_timeout_must_be_positive(host: HostFiles, timeout: float) -> None:
    with pytest.raises(OptionError, match=r"^timeout must be positive"):
        master_access({"master": "m:5050", "timeout": timeout}, {}, files=host)


# --- credentials and what the access makes ----------------------------------------------------


def test_credentials_need_principal_and_secret(host: HostFiles) -> None:
    base = {"master": "m:5050"}
    assert master_access(dict(base, principal="p"), {}, files=host).credentials is None
    both = master_access(dict(base, principal="p", secret="s"), {}, files=host)
    assert both.credentials == Credentials("p", "s")
    framework = {"principal": "fw", "secret": "x"}
    from_auth = master_access(dict(base, principal="p", secret="s"), {}, framework, host)
    assert from_auth.credentials == Credentials("fw", "x")


def test_operator_clients_use_the_access_settings(host: HostFiles) -> None:
    access = master_access({"master": "m:5050", "tls": True, "timeout": 7}, {}, files=host)
    assert access.timeout == 7.0
    with access.operator() as operator:
        assert operator.timeout == 7.0
    with access.operator(timeout=2) as operator:
        assert operator.timeout == 2
