"""TLS: verification is on by default and a private CA is accepted through ``ca_path``.

mesos_sim has no TLS, so the server here is a minimal HTTPS endpoint on loopback that
answers GET_HEALTH the way a master does; what is under test is the client's TLS handling.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from mesos_client import FrameworkInfo, OperatorClient, SchedulerSession, TLSError


class HealthHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        call = json.loads(self.rfile.read(length))
        body = json.dumps({"type": call["type"], "get_health": {"healthy": True}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def https_master(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), HealthHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", str(cert)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_an_unknown_ca_is_refused(https_master):
    url, _ca = https_master
    with OperatorClient(url, timeout=30) as client, pytest.raises(TLSError) as info:
        client.get_health()  # fails at once: a bad certificate is not retried
    assert "TLS verification failed" in str(info.value)
    session = SchedulerSession(url, FrameworkInfo(user="u", name="n"))
    try:
        with pytest.raises(TLSError):
            session.subscribe(timeout=30)
    finally:
        session.close()


def test_ca_path_makes_the_master_trusted(https_master):
    url, ca = https_master
    with OperatorClient(url, ca_path=ca, timeout=5) as client:
        assert client.get_health() is True
