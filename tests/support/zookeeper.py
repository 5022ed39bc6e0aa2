"""A real ZooKeeper server on 127.0.0.1 at a free port, with its own data directory.

Uses the Debian package ``zookeeper`` (jars in /usr/share/java) and a Java runtime.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

from .ports import LOOPBACK, free_port
from .wait import wait_until

ZOOKEEPER_JAR = Path("/usr/share/java/zookeeper.jar")
ZOOKEEPER_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain"
START_TIMEOUT = 30.0


def zookeeper_available() -> str | None:
    """Return None when a ZooKeeper server can be started here, else the reason it cannot."""
    if shutil.which("java") is None:
        return "java not found (apt-get install default-jre-headless)"
    if not ZOOKEEPER_JAR.exists():
        return f"{ZOOKEEPER_JAR} not found (apt-get install zookeeper)"
    return None


def four_letter_word(port: int, word: str, host: str = LOOPBACK, timeout: float = 1.0) -> str:
    """Send a ZooKeeper four-letter command (``ruok``, ``srvr``) and return the answer."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(word.encode())
        chunks = []
        while True:
            data = sock.recv(4096)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks).decode(errors="replace")


class ZooKeeperServer:
    """One standalone ZooKeeper server process; ``start()``/``stop()`` or use ``with``.

    Attributes after start: ``port``, ``hosts`` ("127.0.0.1:PORT"), ``log_path``.
    """

    def __init__(self, base_dir: Path | None = None) -> None:
        self._own_dir = base_dir is None
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="zk-"))
        self.port = 0
        self.log_path = self.base_dir / "zookeeper.log"
        self._process: subprocess.Popen | None = None
        self._log_file = None

    @property
    def hosts(self) -> str:
        """Connection string for kazoo: ``127.0.0.1:PORT``."""
        return f"{LOOPBACK}:{self.port}"

    def url(self, path: str = "/mesos") -> str:
        """Mesos-style ZooKeeper URL, e.g. ``zk://127.0.0.1:PORT/mesos``."""
        return f"zk://{self.hosts}{path}"

    def start(self) -> ZooKeeperServer:
        """Start the server and wait until it answers ``ruok`` with ``imok``."""
        reason = zookeeper_available()
        if reason:
            raise RuntimeError(f"cannot start ZooKeeper: {reason}")
        self.port = free_port()
        data_dir = self.base_dir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        config = self.base_dir / "zoo.cfg"
        config.write_text(
            "\n".join(
                [
                    "tickTime=500",
                    "minSessionTimeout=1000",
                    "maxSessionTimeout=20000",
                    f"dataDir={data_dir}",
                    f"clientPort={self.port}",
                    f"clientPortAddress={LOOPBACK}",
                    "4lw.commands.whitelist=ruok,srvr,stat",
                    "admin.enableServer=false",
                    "",
                ]
            )
        )
        self._log_file = open(self.log_path, "ab")
        self._process = subprocess.Popen(
            ["java", "-Xmx256m", "-cp", str(ZOOKEEPER_JAR), ZOOKEEPER_MAIN, str(config)],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until(self._is_ok, START_TIMEOUT, 0.1, f"ZooKeeper on port {self.port}")
        except AssertionError:
            log = self.log_path.read_text(errors="replace")[-4000:]
            self.stop()
            raise RuntimeError(f"ZooKeeper did not start; log tail:\n{log}") from None
        return self

    def _is_ok(self) -> bool:
        if self._process is not None and self._process.poll() is not None:
            raise RuntimeError(f"ZooKeeper exited with {self._process.returncode}")
        return four_letter_word(self.port, "ruok") == "imok"

    def pause(self) -> None:
        """SIGSTOP the server: clients stay connected but hear nothing (a lost quorum looks so)."""
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT a paused server."""
        if self._process is not None:
            os.killpg(self._process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and remove its directory if we made it."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGCONT)  # a paused server cannot act on SIGTERM
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self._own_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)

    def __enter__(self) -> ZooKeeperServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
