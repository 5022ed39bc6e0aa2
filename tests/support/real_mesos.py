"""Start and stop real Apache Mesos (the project's .deb, unpacked) on 127.0.0.1 for tests.

The package is found as ``MESOS_DEB`` or ``../shared/mesos/*.deb`` beside the repository,
unpacked once with ``dpkg-deb -x`` into ``$MESOS_LAB_CACHE/real-mesos/<sha256>/`` and run from
there with ``LD_LIBRARY_PATH`` pointing at its ``usr/lib`` (``make test-deps`` installs its
runtime ``Depends:``). One master uses ``--registry=in_memory``; several masters (with a
ZooKeeperServer) elect through ZooKeeper and share a ``--registry=replicated_log``. Agents use
the posix launcher and isolators, the seed's attributes, and run and fetch directories of
their own under the cluster's temp directory, so several sessions can run side by side.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .ports import LOOPBACK, agent_resources
from .sim import REPO_ROOT, SEED_ATTRIBUTES, STOP_TIMEOUT, SimCluster, SimProcess
from .zookeeper import ZooKeeperServer

DEFAULT_CACHE = "/var/cache/mesos-lab"
# Real Mesos sends scheduler heartbeats every 15 s (DEFAULT_HEARTBEAT_INTERVAL, no flag).
HEARTBEAT_INTERVAL = 15.0
TASK_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def find_deb() -> Path | None:
    """The real Mesos package: ``MESOS_DEB``, else the first ``../shared/mesos/*.deb``."""
    configured = os.environ.get("MESOS_DEB")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    found = sorted((REPO_ROOT.parent / "shared" / "mesos").glob("*.deb"))
    return found[0].resolve() if found else None


def why_not_available() -> str | None:
    """None when real Mesos can run here, else one line saying why not."""
    deb = find_deb()
    if deb is None:
        where = os.environ.get("MESOS_DEB") or REPO_ROOT.parent / "shared" / "mesos" / "*.deb"
        return f"no Mesos package at {where} (set MESOS_DEB=<path to mesos .deb>)"
    if shutil.which("dpkg-deb") is None:
        return "dpkg-deb is not installed"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpacked_root(deb: Path | None = None) -> Path:
    """The package's files, unpacked once per package content (reused across runs)."""
    deb = deb or find_deb()
    if deb is None:
        raise RuntimeError(why_not_available())
    cache = Path(os.environ.get("MESOS_LAB_CACHE") or DEFAULT_CACHE) / "real-mesos"
    root = cache / _sha256(deb)
    if (root / "usr" / "sbin" / "mesos-master").is_file():
        return root
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache))
    try:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(staging)], check=True)
        with contextlib.suppress(OSError):  # another session won the race: use its copy
            staging.rename(root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return root


class RealMesosProcess(SimProcess):
    """One real ``mesos-master`` or ``mesos-agent`` (``role`` "master" or "agent").

    Same interface as SimProcess (url, address, start, stop, kill, state, log_tail).
    """

    KIND = "real Mesos"

    health_poll_interval = 0.1

    def __init__(self, role: str, flags: dict[str, str | None], log_path: Path, root: Path) -> None:
        super().__init__(role, flags, log_path)
        self.root = root

    def command(self) -> list[str]:
        program = self.root / "usr" / "sbin" / f"mesos-{self.role}"
        argv = [str(program)]
        for name, value in self.flags.items():
            argv.append(f"--{name}" if value is None else f"--{name}={value}")
        return argv

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            p for p in (str(self.root / "usr" / "lib"), env.get("LD_LIBRARY_PATH", "")) if p
        )
        # Stray LIBPROCESS_*/MESOS_* settings of the caller would change the flags given here.
        for name in [n for n in env if n.startswith(("LIBPROCESS_", "MESOS_"))]:
            del env[name]
        return env

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int | None:
        """Stop the process; an agent first shuts its executors down (SIGUSR1), then any
        process still running in its work directory (a task it started) is killed by pid."""
        if self.role == "agent" and sig == signal.SIGTERM and self.running:
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGUSR1)  # Mesos: unregister, kill executors
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        code = super().stop(sig, timeout)
        if self.role == "agent":
            kill_processes_under(Path(self.flags["work_dir"] or "/nonexistent"))
        return code


def kill_processes_under(directory: Path) -> list[int]:
    """SIGKILL every process whose working directory is inside ``directory``; their pids."""
    killed = []
    prefix = str(directory.resolve()) + os.sep
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if (cwd + os.sep).startswith(prefix):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
    return killed


class RealMesosCluster(SimCluster):
    """N real masters and M real agents on loopback (same interface as SimCluster).

    One master (the default) uses ``--registry=in_memory`` and agents ``--master=IP:PORT``.
    Several masters need ``zookeeper`` (a started ZooKeeperServer), as in SimCluster: each
    master gets a work_dir of its own, ``--zk=zk://.../mesos``, ``--quorum`` a majority of
    them and ``--registry=replicated_log`` (the log replicas find each other through
    ZooKeeper); agents get ``--master=zk://.../mesos``. ``master_flags``/``agent_flags`` add
    or override flags.
    """

    kind = "real"
    heartbeat_interval = HEARTBEAT_INTERVAL
    # The agent's first re-send of an unacknowledged update (STATUS_UPDATE_RETRY_INTERVAL_MIN).
    status_update_retry_interval = 10.0

    def __init__(
        self,
        agents: int = 1,
        *,
        masters: int = 1,
        zookeeper: ZooKeeperServer | None = None,
        attributes: str | None = SEED_ATTRIBUTES,
        resources: str | None = None,
        offer_interval: float = 0.2,
        master_flags: dict[str, str | None] | None = None,
        agent_flags: dict[str, str | None] | None = None,
        base_dir: Path | None = None,
    ) -> None:
        self.require_zookeeper_for(masters, zookeeper)
        self.root = unpacked_root()
        self._own_dir = base_dir is None
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="mesos-real-"))
        self.zookeeper = zookeeper
        self.offer_interval = offer_interval
        self.masters = [
            RealMesosProcess(
                "master",
                {**self._master_flags(index, masters), **(master_flags or {})},
                self.base_dir / f"master{index}.log",
                self.root,
            )
            for index in range(masters)
        ]
        master_ref = zookeeper.url("/mesos") if zookeeper else self.masters[0].address
        self.agents = [
            RealMesosProcess(
                "agent",
                {
                    **self._agent_flags(index, master_ref, attributes, resources),
                    **(agent_flags or {}),
                },
                self.base_dir / f"agent{index}.log",
                self.root,
            )
            for index in range(agents)
        ]

    def _master_flags(self, index: int, masters: int) -> dict[str, str | None]:
        flags: dict[str, str | None] = {
            "work_dir": str(self.base_dir / f"master{index}"),
            "registry": "in_memory",
            "allocation_interval": f"{int(self.offer_interval * 1000)}ms",
            "webui_dir": str(self.root / "usr" / "share" / "mesos" / "webui"),
        }
        if self.zookeeper is not None:
            flags.update(
                {
                    "zk": self.zookeeper.url("/mesos"),
                    "quorum": str(masters // 2 + 1),
                    "registry": "replicated_log",
                }
            )
        return flags

    def _agent_flags(
        self, index: int, master_ref: str, attributes: str | None, resources: str | None
    ) -> dict[str, str | None]:
        flags: dict[str, str | None] = {
            "master": master_ref,
            "work_dir": str(self.base_dir / f"agent{index}"),
            "runtime_dir": str(self.base_dir / f"agent{index}-run"),
            "fetcher_cache_dir": str(self.base_dir / f"agent{index}-fetch"),
            "launcher": "posix",
            "isolation": "posix/cpu,posix/mem",
            "no-systemd_enable_support": None,
            "launcher_dir": str(self.root / "usr" / "libexec" / "mesos"),
            "resources": resources or agent_resources(),
            "executor_registration_timeout": "1mins",
            # Executors and their tasks see only these (the package's libmesos, no RPATH).
            "executor_environment_variables": json.dumps(
                {"LD_LIBRARY_PATH": str(self.root / "usr" / "lib"), "PATH": TASK_PATH}
            ),
        }
        if attributes:
            flags["attributes"] = attributes
        return flags


__all__ = [
    "HEARTBEAT_INTERVAL",
    "LOOPBACK",
    "RealMesosCluster",
    "RealMesosProcess",
    "find_deb",
    "kill_processes_under",
    "unpacked_root",
    "why_not_available",
]
