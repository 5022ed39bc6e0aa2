"""Where the lab tool keeps state (MESOS_LAB_HOME) and caches (MESOS_LAB_CACHE)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lab.constants import SUITE

DEFAULT_HOME = "/var/lib/mesos-lab"
DEFAULT_CACHE = "/var/cache/mesos-lab"


@dataclass(frozen=True)
class LabPaths:
    """All file system locations of one lab tool installation."""

    home: Path
    cache: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> LabPaths:
        """Locations from MESOS_LAB_HOME / MESOS_LAB_CACHE, or the documented defaults."""
        home = Path(environ.get("MESOS_LAB_HOME") or DEFAULT_HOME)
        cache = Path(environ.get("MESOS_LAB_CACHE") or DEFAULT_CACHE)
        return cls(home=home.absolute(), cache=cache.absolute())

    @property
    def machines_dir(self) -> Path:
        return self.home / "machines"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def ssh_key(self) -> Path:
        return self.home / "ssh" / "id_ed25519"

    @property
    def lock_file(self) -> Path:
        return self.home / "lock"

    @property
    def network_record(self) -> Path:
        return self.run_dir / "network.json"

    @property
    def base_dir(self) -> Path:
        return self.base_dir_for(SUITE)

    def base_dir_for(self, suite: str) -> Path:
        """Cached base root file system of Debian `suite`."""
        return self.cache / f"base-{suite}"

    @property
    def apt_archives(self) -> Path:
        return self.cache / "apt-archives"

    def machine_dir(self, name: str) -> Path:
        """Root file system of machine `name`."""
        return self.machines_dir / name

    def record_file(self, name: str) -> Path:
        """JSON record (pid, address, ...) of machine `name`."""
        return self.run_dir / f"{name}.json"

    def log_file(self, name: str) -> Path:
        """Console log of machine `name` (systemd-nspawn's output)."""
        return self.run_dir / f"{name}.log"

    def known_hosts(self, name: str) -> Path:
        """SSH host keys of machine `name`, for strict host key checking by `lab ssh`."""
        return self.run_dir / f"{name}.known_hosts"
