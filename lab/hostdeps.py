"""Host packages the lab needs, installed with apt-get when missing."""

from __future__ import annotations

import os

from lab import shell
from lab.errors import LabError
from lab.progress import Progress

# Debian package -> a program it provides (presence of the program means "installed").
PACKAGES = {
    "debootstrap": "debootstrap",
    "systemd-container": "systemd-nspawn",
    "nftables": "nft",
    "iproute2": "ip",
    "openssh-client": "ssh",
}


def require_root(action: str) -> None:
    """Raise a clear error unless running as root."""
    if os.geteuid() != 0:
        raise LabError(f"`{action}` needs root (machines, bridge and nftables); run it with sudo")


def missing_packages() -> list[str]:
    """Packages whose program is not on the host."""
    return [package for package, program in PACKAGES.items() if shell.which(program) is None]


def install_missing(progress: Progress) -> list[str]:
    """apt-get install whatever is missing; return what was installed."""
    missing = missing_packages()
    if not missing:
        return []
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    with progress.step(f"apt-get install {' '.join(missing)}", announce=True):
        if shell.run(command, timeout=900, check=False).returncode != 0:
            shell.run(["apt-get", "update", "-q"], timeout=900)
            shell.run(command, timeout=900)
    still = missing_packages()
    if still:
        raise LabError(f"{', '.join(still)} still missing after apt-get install")
    return missing


def require_programs() -> None:
    """Fail clearly if a program the lab needs is missing (e.g. systemd-nspawn)."""
    for package, program in PACKAGES.items():
        if shell.which(program) is None:
            raise LabError(
                f"{program} is missing (package {package}); run `python -m lab host-deps` as root"
            )
