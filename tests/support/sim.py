"""Start and stop mesos_sim master and agent processes on 127.0.0.1 for tests.

Every process runs as ``sys.executable -m mesos_sim master|agent --flag=value ...`` in its own
session, logs to a file under the cluster's temp directory, and is stopped (SIGTERM, then
SIGKILL of its process group) by ``stop()`` even when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .ports import LOOPBACK, free_port
from .wait import wait_until
from .zookeeper import ZooKeeperServer

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_ATTRIBUTES = "rack:r2d2;pod:demo,dev"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 15.0
LOG_TAIL_CHARS = 6000


def http_get_json(url: str, timeout: float = 2.0) -> dict:
    """GET ``url`` and decode its JSON body (stdlib only, no redirects followed)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode())


def http_status(url: str, timeout: float = 2.0) -> int:
    """Return the HTTP status of a GET on ``url`` (redirects are followed by urllib)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class SimProcess:
    """One mesos_sim process (``role`` is "master" or "agent").

    ``flags`` maps flag names (without ``--``) to values; ``None`` means a bare boolean flag.
    """

    KIND = "mesos_sim"  # for messages
    health_poll_interval = 0.05

    def __init__(self, role: str, flags: dict[str, str | None], log_path: Path) -> None:
        self.role = role
        self.flags = dict(flags)
        self.log_path = log_path
        self.port = int(self.flags.get("port") or free_port())
        self.flags["port"] = str(self.port)
        self.flags.setdefault("ip", LOOPBACK)
        self.flags.setdefault("hostname", LOOPBACK)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``."""
        return f"{LOOPBACK}:{self.port}"

    def command(self) -> list[str]:
        """The argv used to start the process."""
        argv = [sys.executable, "-m", "mesos_sim", self.role]
        for name, value in self.flags.items():
            argv.append(f"--{name}" if value is None else f"--{name}={value}")
        return argv

    def start(self, wait: bool = True) -> SimProcess:
        """Start the process; with ``wait``, block until GET /health answers 200."""
        if self.running:
            return self
        env = self.environment()
        with open(self.log_path, "ab") as log:
            log.write(f"\n==== start: {' '.join(self.command())}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=str(REPO_ROOT),
                env=env,
                start_new_session=True,
            )
        if wait:
            self.wait_healthy()
        return self

    def environment(self) -> dict[str, str]:
        """The process's environment: the runner's, with the repository on PYTHONPATH."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
        )
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def answers_health(self) -> bool:
        """True when GET /health answers 200."""
        return http_status(self.url + "/health", timeout=1.0) == 200

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Wait until GET /health answers 200 (raises with the log tail otherwise)."""

        def healthy() -> bool:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                tail = self.log_tail()
                raise RuntimeError(f"{self.KIND} {self.role} exited with {code}:\n{tail}")
            return self.answers_health()

        try:
            wait_until(
                healthy, timeout, self.health_poll_interval, f"{self.role} {self.url}/health"
            )
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log_tail()}") from None

    @property
    def running(self) -> bool:
        """True while the process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int | None:
        """Send ``sig`` to the process group, wait, then SIGKILL it; return the exit code.

        The group is signalled only while the process is not yet reaped: until then its pid,
        and so its process-group id, cannot be reused by an unrelated program on the host.
        """
        process = self.process
        if process is None:
            return None
        if process.returncode is None:
            self._signal_group(process.pid, sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(process.pid, signal.SIGKILL)
                process.wait(timeout=timeout)
        return process.returncode

    def kill(self) -> int | None:
        """SIGKILL the process (a crash: no clean shutdown)."""
        return self.stop(signal.SIGKILL)

    @staticmethod
    def _signal_group(pgid: int, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)

    def state(self) -> dict:
        """GET /state (master: /master/state shape, agent: /slave(1)/state shape)."""
        return http_get_json(self.url + "/state")

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        """The last ``chars`` characters of this process's log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return f"---- {self.role} {self.address} log ({self.log_path}) ----\n{text[-chars:]}"


class SimCluster:
    """N mesos_sim masters and M agents on loopback; use as a context manager.

    Several masters need ``zookeeper`` (a started ``ZooKeeperServer``): masters get
    ``--zk=zk://.../mesos --quorum=1`` and agents ``--master=zk://.../mesos``; with one master
    and no ZooKeeper, agents get ``--master=127.0.0.1:PORT``.
    ``heartbeat_interval`` and ``offer_interval`` (seconds) set the simulator-only knobs
    ``--sim_heartbeat_interval`` and Mesos's ``--allocation_interval``. Agents get
    ``--sim_status_update_retry_interval=1`` unless ``agent_flags`` says otherwise.
    """

    kind = "sim"

    def __init__(
        self,
        masters: int = 1,
        agents: int = 1,
        *,
        zookeeper: ZooKeeperServer | None = None,
        attributes: str | None = SEED_ATTRIBUTES,
        resources: str | None = None,
        heartbeat_interval: float = 0.5,
        offer_interval: float = 0.2,
        master_flags: dict[str, str | None] | None = None,
        agent_flags: dict[str, str | None] | None = None,
        base_dir: Path | None = None,
    ) -> None:
        self.require_zookeeper_for(masters, zookeeper)
        self._own_dir = base_dir is None
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="mesos-sim-"))
        self.zookeeper = zookeeper
        self.heartbeat_interval = heartbeat_interval
        self.offer_interval = offer_interval
        retry = (agent_flags or {}).get("sim_status_update_retry_interval") or "1"
        self.status_update_retry_interval = float(retry)
        zk_url = zookeeper.url("/mesos") if zookeeper else None
        self.masters: list[SimProcess] = []
        for index in range(masters):
            flags: dict[str, str | None] = {
                "work_dir": str(self.base_dir / f"master{index}"),
                "sim_heartbeat_interval": str(heartbeat_interval),
                "allocation_interval": f"{int(offer_interval * 1000)}ms",
            }
            if zk_url:
                flags.update({"zk": zk_url, "quorum": "1"})
            flags.update(master_flags or {})
            self.masters.append(SimProcess("master", flags, self.base_dir / f"master{index}.log"))
        master_ref = zk_url or (self.masters[0].address if self.masters else "")
        self.agents: list[SimProcess] = []
        for index in range(agents):
            flags = {
                "master": master_ref,
                "work_dir": str(self.base_dir / f"agent{index}"),
                "sim_status_update_retry_interval": "1",
            }
            if attributes:
                flags["attributes"] = attributes
            if resources:
                flags["resources"] = resources
            flags.update(agent_flags or {})
            self.agents.append(SimProcess("agent", flags, self.base_dir / f"agent{index}.log"))

    @staticmethod
    def require_zookeeper_for(masters: int, zookeeper: ZooKeeperServer | None) -> None:
        """Several masters elect a leader through ZooKeeper: refuse them without one."""
        if masters > 1 and zookeeper is None:
            raise ValueError("more than one master needs a ZooKeeper server")

    def start(self) -> SimCluster:
        """Start every master, then every agent, each waited for on /health."""
        try:
            for master in self.masters:
                master.start()
            for agent in self.agents:
                agent.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop agents first (they kill their tasks), then masters; remove the temp dir."""
        for process in [*self.agents, *self.masters]:
            process.stop()
        if self._own_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> SimCluster:
        return self.start()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            print(self.logs(), file=sys.stderr)
        self.stop()

    # masters -----------------------------------------------------------------------------
    def master_url(self, index: int = 0) -> str:
        """Base URL of master ``index``."""
        return self.masters[index].url

    def leader_index(self, timeout: float = START_TIMEOUT) -> int:
        """Index of the running master whose /metrics/snapshot has master/elected 1 (waits)."""

        def find() -> int | None:
            for index, master in enumerate(self.masters):
                if not master.running:
                    continue
                try:
                    metrics = http_get_json(master.url + "/metrics/snapshot", timeout=1.0)
                except (OSError, ValueError):
                    continue
                if metrics.get("master/elected") == 1.0:
                    return index + 1  # truthy even for master 0
            return None

        return wait_until(find, timeout, 0.1, "a leading master") - 1

    def leader_url(self, timeout: float = START_TIMEOUT) -> str:
        """Base URL of the leading master (waits until one leads)."""
        return self.masters[self.leader_index(timeout)].url

    def stop_master(self, index: int, sig: int = signal.SIGTERM) -> None:
        """Stop master ``index`` (SIGKILL simulates a crash)."""
        self.masters[index].stop(sig)

    def start_master(self, index: int) -> None:
        """(Re)start master ``index`` on its old port."""
        self.masters[index].start()

    # agents ------------------------------------------------------------------------------
    def agent_url(self, index: int = 0) -> str:
        """Base URL of agent ``index``."""
        return self.agents[index].url

    def stop_agent(self, index: int, sig: int = signal.SIGTERM) -> None:
        """Stop agent ``index``."""
        self.agents[index].stop(sig)

    def start_agent(self, index: int) -> None:
        """(Re)start agent ``index`` on its old port."""
        self.agents[index].start()

    def wait_for_agents(self, count: int | None = None, timeout: float = START_TIMEOUT) -> dict:
        """Wait until the leader lists ``count`` active agents (default: all); return state."""
        wanted = len(self.agents) if count is None else count

        def registered() -> dict | None:
            state = http_get_json(self.leader_url() + "/master/state", timeout=1.0)
            active = [s for s in state.get("slaves", []) if s.get("active")]
            return state if len(active) >= wanted else None

        return wait_until(registered, timeout, 0.1, f"{wanted} registered agent(s)")

    def logs(self) -> str:
        """Log tails of every process, for failure messages."""
        return "\n".join(p.log_tail() for p in [*self.masters, *self.agents])
