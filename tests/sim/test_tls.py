"""TLS in mesos_sim with real processes and real handshakes: LIBPROCESS_SSL_* settings, HTTPS
on the libprocess port, the master-agent link over TLS, certificate verification, downgrade,
client certificates, ZooKeeper-elected TLS masters and their redirects."""

from __future__ import annotations

import socket
import ssl

import pytest
import requests

from tests.support.wait import wait_until

from .scheduler import TestScheduler, command_task, launch_call
from .tls_certs import Pki
from .tls_cluster import TlsCluster, tls_env


def test_https_cluster_agent_registers_and_task_runs_over_tls(pki: Pki):
    with TlsCluster(tls_env(pki), str(pki.ca)) as cluster:
        agents = cluster.wait_for_agents()
        assert agents[0]["attributes"] == {"rack": "r2d2", "pod": "demo,dev"}
        master = cluster.leader()
        assert master.url.startswith("https://")
        assert cluster.agents[0].get("/state").json()["id"] == agents[0]["id"]
        # The master reaches the agent over TLS too: a launch needs /sim/run_task there.
        scheduler = TestScheduler(master.url, verify=str(pki.ca))
        try:
            offer = scheduler.next_event("OFFERS")["offers"]["offers"][0]
            task = command_task(offer, "over-tls", "sleep 30")
            assert scheduler.call(launch_call(offer, [task])).status_code == 202
            scheduler.update("over-tls", "TASK_RUNNING")
            scheduler.call({"type": "KILL", "kill": {"task_id": {"value": "over-tls"}}})
            scheduler.update("over-tls", "TASK_KILLED")
        finally:
            scheduler.close()


def test_plain_http_and_untrusted_clients_are_refused(pki: Pki):
    with TlsCluster(tls_env(pki), str(pki.ca), agents=0) as cluster:
        master = cluster.masters[0]
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://{master.address}/health", timeout=5)
        with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
            master.get("/health", verify=str(pki.other_ca))
        with pytest.raises(requests.exceptions.SSLError, match="CERTIFICATE_VERIFY_FAILED"):
            master.get("/health", verify=True)  # the system's CAs do not know the lab CA
        assert master.get("/health").status_code == 200  # still serving after the refusals


def test_mesos_default_ciphers_leave_python_clients_without_a_common_cipher(pki: Pki):
    env = tls_env(pki)
    del env["LIBPROCESS_SSL_CIPHERS"]  # Mesos's default: SHA-1 MAC suites, TLS 1.2 only
    legacy = ssl.create_default_context(cafile=str(pki.ca))
    legacy.set_ciphers("AES128-SHA")

    def handshake(port: int) -> tuple[str, str]:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with legacy.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                return tls.cipher()[0], tls.version()

    with TlsCluster(env, str(pki.ca), agents=0, wait=False) as cluster:
        master = cluster.masters[0]
        assert wait_until(lambda: handshake(master.port), 20, 0.1, "a TLS handshake") == (
            "AES128-SHA",
            "TLSv1.2",
        )
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(master.url + "/health", verify=str(pki.ca), timeout=5)
        wait_until(
            lambda: "NO_SHARED_CIPHER" in master.log_path.read_text(errors="replace"),
            10,
            0.1,
            "the master to log the failed handshake",
        )


def test_support_downgrade_serves_tls_and_plain_http_on_one_port(pki: Pki):
    env = tls_env(pki, support_downgrade="true")
    with TlsCluster(env, str(pki.ca)) as cluster:
        cluster.wait_for_agents()
        master = cluster.masters[0]
        plain = requests.get(f"http://{master.address}/master/state", timeout=5)
        assert plain.status_code == 200
        assert len(plain.json()["slaves"]) == 1
        assert master.get("/master/state").json()["id"] == plain.json()["id"]


def test_agent_verifies_the_master_certificate_when_asked(pki: Pki):
    untrusted = tls_env(pki, cert_file=str(pki.other_cert), key_file=str(pki.other_key))
    agent_env = tls_env(pki)
    with TlsCluster(
        untrusted, str(pki.other_ca), agent_env=agent_env, agent_verify=str(pki.ca)
    ) as cluster:
        agent_log = cluster.agents[0].log_path

        def refused() -> bool:
            return "CERTIFICATE_VERIFY_FAILED" in agent_log.read_text(errors="replace")

        wait_until(refused, 20, 0.2, "the agent to refuse the master's certificate")
        assert cluster.active_agents() == []


def test_master_verifies_the_agent_certificate_on_its_link_to_the_agent(pki: Pki):
    # The agent trusts the master (lab certificate), the master does not trust the agent's
    # certificate: registration (agent -> master) works, pings (master -> agent) fail and the
    # agent is marked unreachable, as when a Mesos master cannot reach an agent.
    agent_env = tls_env(pki, cert_file=str(pki.other_cert), key_file=str(pki.other_key))
    with TlsCluster(
        tls_env(pki),
        str(pki.ca),
        agent_env=agent_env,
        agent_verify=str(pki.other_ca),
        master_flags={"agent_ping_timeout": "500ms", "max_agent_ping_timeouts": "2"},
    ) as cluster:
        master_log = cluster.masters[0].log_path

        def unreachable() -> bool:
            text = master_log.read_text(errors="replace")
            return "CERTIFICATE_VERIFY_FAILED" in text and "unreachable" in text

        wait_until(unreachable, 20, 0.2, "the master to mark the untrusted agent unreachable")
        text = master_log.read_text(errors="replace")
        assert "missed ping 2/2: https://127.0.0.1:" in text


def test_without_verification_an_untrusted_master_is_accepted_as_mesos_does(pki: Pki):
    untrusted = tls_env(pki, cert_file=str(pki.other_cert), key_file=str(pki.other_key))
    agent_env = tls_env(pki, verify_server_cert="false")
    with TlsCluster(
        untrusted, str(pki.other_ca), agent_env=agent_env, agent_verify=str(pki.ca)
    ) as cluster:
        assert len(cluster.wait_for_agents()) == 1


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_legacy_scheme_refuses_a_certificate_for_another_name(pki: Pki):
    wrong_name = tls_env(pki, cert_file=str(pki.name_only_cert), key_file=str(pki.name_only_key))
    with TlsCluster(wrong_name, False, agent_env=tls_env(pki), agent_verify=str(pki.ca)) as cluster:
        agent_log = cluster.agents[0].log_path

        def refused() -> bool:
            return "does not match peer hostname name" in agent_log.read_text(errors="replace")

        wait_until(refused, 20, 0.2, "the agent to refuse a certificate for mesos.invalid")
        assert cluster.active_agents() == []


@pytest.mark.parametrize(("verify_ipadd", "registers"), [("false", False), ("true", True)])
def test_openssl_scheme_checks_ip_addresses_only_with_verify_ipadd(
    pki: Pki, verify_ipadd: str, registers: bool
):
    env = tls_env(pki, hostname_validation_scheme="openssl", verify_ipadd=verify_ipadd)
    with TlsCluster(env, str(pki.ca)) as cluster:
        if registers:
            assert len(cluster.wait_for_agents()) == 1
            return
        agent_log = cluster.agents[0].log_path

        def refused() -> bool:
            text = agent_log.read_text(errors="replace")
            return "No DNS name given and IP address verification is disabled" in text

        wait_until(refused, 20, 0.2, "the agent to refuse an IP without VERIFY_IPADD")
        assert cluster.active_agents() == []


def test_require_client_cert_refuses_clients_without_one(pki: Pki):
    env = tls_env(pki, require_client_cert="true")
    lab_cert = (str(pki.cert), str(pki.key))
    with TlsCluster(env, str(pki.ca), client_cert=lab_cert) as cluster:
        # Each end presents the lab certificate; 'legacy' accepts it for "localhost", the
        # reverse lookup of 127.0.0.1.
        assert len(cluster.wait_for_agents()) == 1
        master = cluster.masters[0]
        with pytest.raises(requests.exceptions.ConnectionError):
            master.get("/health", cert=None)
        with pytest.raises(requests.exceptions.ConnectionError):
            master.get("/health", cert=(str(pki.other_cert), str(pki.other_key)))
        with pytest.raises(requests.exceptions.ConnectionError):
            master.get("/health", cert=(str(pki.name_only_cert), str(pki.name_only_key)))
        assert master.get("/health").status_code == 200
        log = master.log_path.read_text(errors="replace")
        assert "does not match peer hostname name: localhost" in log


@pytest.mark.zookeeper
def test_zookeeper_elected_tls_masters_redirect_protocol_relative(pki: Pki, zookeeper_server):
    with TlsCluster(tls_env(pki), str(pki.ca), masters=2, zookeeper=zookeeper_server) as cluster:
        leader = cluster.leader()
        follower = next(m for m in cluster.masters if m is not leader)
        agents = cluster.wait_for_agents()
        response = follower.get("/master/state")
        assert response.status_code == 307
        assert response.headers["Location"] == f"//127.0.0.1:{leader.port}/master/state"
        followed = requests.get(follower.url + "/master/state", verify=str(pki.ca), timeout=5)
        assert followed.url == leader.url + "/master/state"
        assert [s["id"] for s in followed.json()["slaves"]] == [a["id"] for a in agents]
        redirect = follower.get("/api/v1/scheduler")
        assert redirect.status_code == 307
        assert redirect.headers["Location"] == f"//127.0.0.1:{leader.port}/api/v1/scheduler"

        cluster.stop_master(leader)
        new_leader = cluster.leader(timeout=30)
        assert new_leader is follower
        again = wait_until(
            lambda: [a["id"] for a in cluster.active_agents()] or None,
            30,
            0.2,
            "the agent to re-register with the new leader over TLS",
        )
        assert again == [agents[0]["id"]]
