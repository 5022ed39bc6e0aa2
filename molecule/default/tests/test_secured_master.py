"""Framework authentication on and off by re-converging the masters (runs after the others).

With mesos_master_authenticate_frameworks the master must refuse an anonymous SUBSCRIBE with
401 and accept the principal and secret written to the credentials file; the secret must never
appear in Ansible's output. Turning it off again removes the file and the flags.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import lab_probes
import mesos_probes
import pytest
import requests

from lab.network import require_lab_address

testinfra_hosts = ["ansible://mesos_masters"]

MASTER_ADDRESS = "192.168.33.30"
PRINCIPAL = "moldef-verify"
PROJECT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).resolve().parents[3]))
SUBSCRIBE = {
    "type": "SUBSCRIBE",
    "subscribe": {"framework_info": {"user": "root", "name": "auth-check", "principal": PRINCIPAL}},
}


def converge_masters(inventory: str, extra_vars: dict | None = None) -> str:
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        inventory,
        str(PROJECT / "playbooks" / "mesos_master.yml"),
    ]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, f"{' '.join(command[:4])} failed:\n{result.stdout[-6000:]}"
    return result.stdout + result.stderr


def subscribe_status(auth: tuple[str, str] | None) -> tuple[int, str]:
    """Status and WWW-Authenticate of a SUBSCRIBE; the stream is closed at once."""
    require_lab_address(MASTER_ADDRESS)
    with requests.post(
        f"http://{MASTER_ADDRESS}:5050/api/v1/scheduler",
        json=SUBSCRIBE,
        headers={"Accept": "application/json"},
        auth=auth,
        stream=True,
        timeout=mesos_probes.HTTP_TIMEOUT,
        allow_redirects=False,
    ) as response:
        return response.status_code, response.headers.get("WWW-Authenticate", "")


@pytest.fixture
def inventory(request) -> str:
    path = request.config.option.ansible_inventory
    assert path, "run through molecule verify (it passes --ansible-inventory)"
    return path


def test_framework_authentication_on_and_off(host, inventory):
    secret = secrets.token_hex(12)
    try:
        output = converge_masters(
            inventory,
            {
                "mesos_master_authenticate_frameworks": True,
                "mesos_master_credentials": [{"principal": PRINCIPAL, "secret": secret}],
            },
        )
        assert secret not in output
        credentials = host.file("/etc/mesos/credentials.json")
        assert (credentials.user, credentials.mode) == ("root", 0o600)
        assert json.loads(credentials.content_string) == {
            "credentials": [{"principal": PRINCIPAL, "secret": secret}]
        }
        assert "--credentials=file:///etc/mesos/credentials.json" in (
            mesos_probes.main_pid_cmdline(host, "mesos-master")
        )

        def answers(auth, status):
            return lambda: subscribe_status(auth)[0] == status

        lab_probes.wait_for(answers(None, 401), 60, "401 for an anonymous SUBSCRIBE")
        assert subscribe_status(None)[1] == 'Basic realm="mesos-master-scheduler"'
        assert subscribe_status((PRINCIPAL, "wrong-" + secret))[0] == 401
        lab_probes.wait_for(answers((PRINCIPAL, secret), 200), 30, "200 with the credentials")
    finally:
        converge_masters(inventory)
    assert not host.file("/etc/mesos/credentials.json").exists
    assert not host.file("/etc/mesos-master/?authenticate_http_frameworks").exists
    lab_probes.wait_for(lambda: subscribe_status(None)[0] == 200, 60, "anonymous SUBSCRIBE")
