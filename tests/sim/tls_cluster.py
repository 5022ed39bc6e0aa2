"""mesos_sim masters and agents with libprocess SSL settings in their environment.

Every process gets the same ``LIBPROCESS_SSL_*`` variables (a cluster is TLS or not as a whole,
as with Mesos) unless a process is given its own; inherited ``SSL_*``/``LIBPROCESS_SSL_*``
variables of the test runner are dropped so that the host's settings (``SSL_CERT_FILE`` of a
proxy, for one) cannot leak in. Health and leader checks go over HTTPS with the test CA.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import requests

from tests.support.sim import REPO_ROOT, SEED_ATTRIBUTES, START_TIMEOUT, SimProcess
from tests.support.wait import wait_until
from tests.support.zookeeper import ZooKeeperServer

from .tls_certs import Pki

# The lab's cipher list: Mesos's default one has SHA-1 MAC suites only, which Python's ssl
# module (and so requests and aiohttp) never offers.
MODERN_CIPHERS = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"


def tls_env(pki: Pki, **overrides: str) -> dict[str, str]:
    """SSL on with the lab certificate, the lab CA and verification of servers."""
    env = {
        "LIBPROCESS_SSL_ENABLED": "true",
        "LIBPROCESS_SSL_CERT_FILE": str(pki.cert),
        "LIBPROCESS_SSL_KEY_FILE": str(pki.key),
        "LIBPROCESS_SSL_CA_FILE": str(pki.ca),
        "LIBPROCESS_SSL_VERIFY_SERVER_CERT": "true",
        "LIBPROCESS_SSL_CIPHERS": MODERN_CIPHERS,
    }
    env.update({f"LIBPROCESS_SSL_{k.upper()}": v for k, v in overrides.items()})
    return env


def clean_environment(extra: dict[str, str]) -> dict[str, str]:
    """The runner's environment without SSL variables, plus ``extra`` and PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SSL_", "LIBPROCESS_SSL_"))}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class TlsSimProcess(SimProcess):
    """A SimProcess started with ``env`` and probed over ``https`` (``verify``: CA path)."""

    health_poll_interval = 0.1

    def __init__(
        self,
        role: str,
        flags: dict[str, str | None],
        log_path: Path,
        *,
        env: dict[str, str],
        verify: str | bool,
        client_cert: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(role, flags, log_path)
        self.env = env
        self.verify = verify
        self.client_cert = client_cert
        self.scheme = "https" if env.get("LIBPROCESS_SSL_ENABLED") in ("true", "1") else "http"

    @property
    def url(self) -> str:
        """``https://127.0.0.1:PORT`` (``http`` when SSL is off for this process)."""
        return f"{self.scheme}://{self.address}"

    def environment(self) -> dict[str, str]:
        """This process's environment, without the runner's SSL variables."""
        return clean_environment(self.env)

    def answers_health(self) -> bool:
        """True when GET /health over TLS answers 200."""
        return self.get("/health").status_code == 200

    def get(self, path: str, **kwargs: object) -> requests.Response:
        """GET ``path`` with the cluster's CA (and client certificate), no redirects followed."""
        kwargs.setdefault("timeout", 5)
        kwargs.setdefault("cert", self.client_cert)
        kwargs.setdefault("verify", self.verify)
        kwargs.setdefault("allow_redirects", False)
        return requests.get(self.url + path, **kwargs)  # type: ignore[arg-type]


class TlsCluster:
    """N masters (ZooKeeper-elected when N > 1) and M agents, all with ``env`` (agents: with
    ``agent_env`` when given); probes trust ``verify`` (agents: ``agent_verify`` when given).
    Entering starts them and (unless ``wait`` is false) waits for each one's /health."""

    def __init__(
        self,
        env: dict[str, str],
        verify: str | bool,
        masters: int = 1,
        agents: int = 1,
        *,
        zookeeper: ZooKeeperServer | None = None,
        agent_env: dict[str, str] | None = None,
        agent_verify: str | bool | None = None,
        master_flags: dict[str, str | None] | None = None,
        client_cert: tuple[str, str] | None = None,
        wait: bool = True,
    ) -> None:
        self.wait = wait
        self.base_dir = Path(tempfile.mkdtemp(prefix="mesos-sim-tls-"))
        zk_url = zookeeper.url("/mesos") if zookeeper else None
        self.masters = []
        for index in range(masters):
            flags: dict[str, str | None] = {
                "work_dir": str(self.base_dir / f"master{index}"),
                "sim_heartbeat_interval": "0.5",
                "allocation_interval": "200ms",
                **({"zk": zk_url, "quorum": "1", "zk_session_timeout": "3secs"} if zk_url else {}),
                **(master_flags or {}),
            }
            log = self.base_dir / f"master{index}.log"
            self.masters.append(
                TlsSimProcess("master", flags, log, env=env, verify=verify, client_cert=client_cert)
            )
        master_ref = zk_url or self.masters[0].address
        self.agents = []
        for index in range(agents):
            flags = {
                "master": master_ref,
                "work_dir": str(self.base_dir / f"agent{index}"),
                "attributes": SEED_ATTRIBUTES,
                "sim_status_update_retry_interval": "1",
                "registration_backoff_factor": "100ms",
            }
            log = self.base_dir / f"agent{index}.log"
            agent_ca = verify if agent_verify is None else agent_verify
            agent = TlsSimProcess(
                "agent", flags, log, env=agent_env or env, verify=agent_ca, client_cert=client_cert
            )
            self.agents.append(agent)

    def __enter__(self) -> TlsCluster:
        try:
            for process in [*self.masters, *self.agents]:
                process.start(wait=self.wait)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            print(self.logs(), file=sys.stderr)
        self.stop()

    def stop(self) -> None:
        """Stop agents, then masters; remove the temp directory."""
        for process in [*self.agents, *self.masters]:
            process.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)

    def leader(self, timeout: float = START_TIMEOUT) -> TlsSimProcess:
        """The running master whose /metrics/snapshot says master/elected 1 (waits)."""

        def find() -> TlsSimProcess | None:
            for master in self.masters:
                if master.running:
                    metrics = master.get("/metrics/snapshot", timeout=2).json()
                    if metrics.get("master/elected") == 1.0:
                        return master
            return None

        return wait_until(find, timeout, 0.1, "a leading master")

    def active_agents(self) -> list[dict]:
        """The leader's active agents (``/master/state`` ``slaves``)."""
        state = self.leader().get("/master/state").json()
        return [s for s in state.get("slaves", []) if s.get("active")]

    def wait_for_agents(self, timeout: float = START_TIMEOUT) -> list[dict]:
        """Wait until every agent is registered and active; return them."""

        def registered() -> list[dict] | None:
            agents = self.active_agents()
            return agents if len(agents) >= len(self.agents) else None

        return wait_until(registered, timeout, 0.1, f"{len(self.agents)} agent(s) registered")

    def stop_master(self, master: TlsSimProcess, sig: int = signal.SIGTERM) -> None:
        """Stop one master."""
        master.stop(sig)

    def logs(self) -> str:
        """Log tails of every process."""
        return "\n".join(p.log_tail() for p in [*self.masters, *self.agents])
