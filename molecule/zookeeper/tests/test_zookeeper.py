"""Verify scenario zookeeper: the role's ZooKeeper runs, is supervised and serves clients."""

from __future__ import annotations

import uuid

import lab_probes

CLIENT_PORT = 2181
HEAP_MB = 256


def client_port(host) -> int:
    return int(lab_probes.host_variable(host, "zookeeper_client_port", CLIENT_PORT))


def java_pid(host) -> int:
    """The service's main PID; the unit runs the JVM itself, not a forking init script."""
    return int(host.check_output("systemctl show --property=MainPID --value zookeeper"))


def test_service_enabled_and_running(host):
    service = host.service("zookeeper")
    assert service.is_enabled
    assert service.is_running


def test_main_process_is_the_jvm_with_the_configured_heap(host):
    pid = java_pid(host)
    assert pid > 0
    cmdline = host.file(f"/proc/{pid}/cmdline").content_string.split("\0")
    assert cmdline[0].endswith("java")
    assert f"-Xmx{HEAP_MB}m" in cmdline
    assert "org.apache.zookeeper.server.quorum.QuorumPeerMain" in cmdline
    assert host.check_output(f"stat -c %U /proc/{pid}") == "zookeeper"


def test_server_logs_to_the_package_log_file(host):
    log = host.file("/var/log/zookeeper/zookeeper.log")
    assert log.exists
    assert log.user == "zookeeper"
    assert f"binding to port /0.0.0.0:{client_port(host)}" in log.content_string


def test_client_port_listens_on_all_addresses(host):
    assert host.socket(f"tcp://0.0.0.0:{client_port(host)}").is_listening


def test_myid_matches_the_inventory(host):
    assert host.file("/var/lib/zookeeper/myid").content_string.strip() == "1"


def test_ruok_answers_imok(host):
    assert lab_probes.four_letter_word(lab_probes.lab_address(host), client_port(host), "ruok") == (
        "imok"
    )


def test_srvr_reports_a_standalone_server(host):
    answer = lab_probes.four_letter_word(lab_probes.lab_address(host), client_port(host), "srvr")
    assert "Mode: standalone" in answer


def test_words_outside_the_whitelist_are_refused(host):
    answer = lab_probes.four_letter_word(lab_probes.lab_address(host), client_port(host), "stat")
    assert "not in the whitelist" in answer


def test_znode_written_and_read_back(host):
    path = f"/molecule-verify/{uuid.uuid4().hex}"
    payload = b"written by molecule verify"
    with lab_probes.zookeeper_session(lab_probes.lab_address(host), client_port(host)) as zk:
        zk.create(path, payload, makepath=True)
        try:
            data, stat = zk.get(path)
            assert data == payload
            assert stat.dataLength == len(payload)
        finally:
            zk.delete(path)
        assert zk.exists(path) is None


def test_systemd_restarts_a_killed_jvm(host):
    """Last on purpose: it kills the server and waits for systemd to bring it back."""
    address = lab_probes.lab_address(host)
    old_pid = java_pid(host)
    host.run_expect([0], f"kill -KILL {old_pid}")

    def serving_again() -> bool:
        pid = java_pid(host)
        if pid in (0, old_pid):
            return False
        try:
            return lab_probes.four_letter_word(address, client_port(host), "ruok") == "imok"
        except OSError:
            return False

    assert lab_probes.wait_until(serving_again, timeout=90, interval=1.0)
