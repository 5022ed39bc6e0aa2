"""The modules against a mesos_sim cluster that serves HTTPS only (LIBPROCESS_SSL_ENABLED=true,
as Mesos does): the ``tls`` option, a lab CA given as ``ca_path``, untrusted certificates.

One ZooKeeper-elected master and one agent, both TLS, shared by the tests of this file; the
certificates come from a throwaway CA (``tests/sim/tls_certs.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sim.tls_certs import Pki, make_pki
from tests.sim.tls_cluster import TlsCluster, tls_env
from tests.support.zookeeper import ZooKeeperServer, zookeeper_available

from .ansible_run import adhoc
from .etc_overlay import etc_overlay, overlay_unavailable

pytestmark = pytest.mark.zookeeper


class TlsLab:
    """What the tests need to know about the running TLS cluster."""

    def __init__(self, cluster: TlsCluster, zk_url: str, pki: Pki) -> None:
        self.cluster = cluster
        self.zk_url = zk_url
        self.pki = pki
        self.address = cluster.leader().address  # 127.0.0.1:PORT, no scheme

    def args(self, **extra: object) -> dict[str, object]:
        """Found through ZooKeeper, over TLS, verified with the test CA."""
        return {"master": self.zk_url, "tls": True, "ca_path": str(self.pki.ca), **extra}


@pytest.fixture(scope="module")
def tls_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsLab]:
    reason = zookeeper_available()
    if reason:
        pytest.skip(reason)
    pki = make_pki(Path(tmp_path_factory.mktemp("pki")))
    with ZooKeeperServer() as zookeeper:
        env = tls_env(pki)
        with TlsCluster(env, str(pki.ca), zookeeper=zookeeper) as cluster:
            cluster.wait_for_agents()
            yield TlsLab(cluster, zookeeper.url("/mesos"), pki)


def test_info_finds_a_tls_master_through_zookeeper(tls_lab: TlsLab) -> None:
    run = adhoc("mesos_info", tls_lab.args())
    result = run.result
    assert not result.get("failed"), run.describe()
    assert result["master"] == f"https://{tls_lab.address}"
    assert result["summary"]["active_agents"] == 1


def test_task_launch_and_kill_over_tls_with_host_port_master(tls_lab: TlsLab) -> None:
    task = {"name": "tls-web", "command": "sleep 300", "timeout": 60, "offer_timeout": 30}
    args = tls_lab.args(master=tls_lab.address, **task)
    run = adhoc("mesos_task", args)
    result = run.result
    assert result.get("changed") and not result.get("failed"), run.describe()
    assert result["task"]["state"] == "TASK_RUNNING"
    killed = adhoc("mesos_task", dict(args, state="absent"))
    assert killed.result.get("changed"), killed.describe()
    assert killed.result["task"]["state"] == "TASK_KILLED"
    gone = adhoc("mesos_framework", tls_lab.args(name="mesos-lab", state="absent"))
    assert gone.result.get("changed") and len(gone.result["torn_down"]) == 1, gone.describe()


def test_explicit_https_url_keeps_its_scheme_without_tls(tls_lab: TlsLab) -> None:
    args = tls_lab.args(master=f"https://{tls_lab.address}", tls=False, timeout=5)
    run = adhoc("mesos_offer_info", args)
    result = run.result
    assert not result.get("failed"), run.describe()
    assert [offer["attributes"]["rack"] for offer in result["offers"]] == ["r2d2"]


def test_unknown_ca_is_refused_at_once(tls_lab: TlsLab) -> None:
    for ca_path in (None, str(tls_lab.pki.other_ca)):
        args = tls_lab.args(ca_path=ca_path, timeout=60)
        run = adhoc("mesos_info", {k: v for k, v in args.items() if v is not None})
        result = run.result
        assert result.get("failed"), run.describe()
        assert "TLS verification failed" in result["msg"], result["msg"]
        assert "CERTIFICATE_VERIFY_FAILED" in result["msg"], result["msg"]
        assert run.seconds < 50, "a bad certificate is not retried until the timeout"


def test_plain_http_to_a_tls_master_fails_naming_the_master(tls_lab: TlsLab) -> None:
    run = adhoc("mesos_info", {"master": tls_lab.address, "timeout": 3})
    result = run.result
    assert result.get("failed"), run.describe()
    assert f"http://{tls_lab.address}" in result["msg"], result["msg"]
    assert "cannot reach" in result["msg"], result["msg"]


def test_missing_ca_path_is_refused_before_contact(tls_lab: TlsLab, tmp_path: Path) -> None:
    run = adhoc("mesos_framework", tls_lab.args(name="x", ca_path=str(tmp_path / "none.pem")))
    result = run.result
    assert result.get("failed"), run.describe()
    assert result["msg"] == f"invalid setting: ca_path {tmp_path / 'none.pem'} does not exist"


def test_target_host_settings_make_tls_and_the_lab_ca_the_defaults(
    tls_lab: TlsLab, tmp_path: Path
) -> None:
    reason = overlay_unavailable()
    if reason:
        pytest.skip(reason)
    # What the mesos-lab roles write on a master of a TLS lab; no option is given at all.
    host_files = {
        "mesos/zk": tls_lab.zk_url + "\n",
        "default/mesos": 'ULIMIT="-n 8192"\nLIBPROCESS_SSL_ENABLED=true\n',
        "mesos/ssl/ca.pem": tls_lab.pki.ca.read_text(),
    }
    run = adhoc("mesos_info", wrapper=etc_overlay(tmp_path / "tls-host", host_files))
    result = run.result
    assert not result.get("failed"), run.describe()
    assert result["master"] == f"https://{tls_lab.address}"
    # The same host without the lab CA: the system store does not know the test CA.
    del host_files["mesos/ssl/ca.pem"]
    run = adhoc("mesos_info", wrapper=etc_overlay(tmp_path / "no-ca-host", host_files))
    assert "TLS verification failed" in run.result.get("msg", ""), run.describe()
