"""Writable cgroup v1 controllers for machines that ask for them (host var ``lab_cgroups``).

systemd-nspawn on this host mounts every cgroup v1 controller read-only inside a machine.
A machine that needs a controller (e.g. a Mesos agent with the Linux launcher needs
``freezer``) gets a sub-cgroup of the host's, ``<controller>/<our cgroup>/mesos-lab/<machine>``,
bound read-write over that controller's mount point inside the machine, and nothing more:
what it creates stays below that sub-cgroup, which teardown removes.

nspawn mounts the read-only controllers after its ``--bind`` mounts, so a bind straight onto
/sys/fs/cgroup/<controller> ends up hidden below them. The grant is bound to
``/var/lib/lab-cgroups/<controller>`` instead, and a unit in the machine
(``lab-cgroups.service``, before sysinit.target) binds it over the controller's mount point.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from lab.errors import LabError

ROOT = Path("/sys/fs/cgroup")
ALLOWED = ("freezer", "pids")  # what has been needed and tried; widen only with a reason
PARENT = "mesos-lab"
STAGING = Path("/var/lib/lab-cgroups")  # inside the machine
UNIT = "lab-cgroups.service"
UNIT_TEXT = """[Unit]
Description=Writable cgroup controllers granted by the mesos-lab tool ({controllers})
DefaultDependencies=no
After=local-fs.target
Before=sysinit.target

[Service]
Type=oneshot
RemainAfterExit=yes
{mounts}

[Install]
WantedBy=sysinit.target
"""


PROC_SELF_CGROUP = Path("/proc/self/cgroup")


def own_cgroup(controller: str, proc_cgroup: Path | None = None) -> str:
    """Our cgroup in ``controller``'s hierarchy ("/" at the root), so grants nest below it."""
    for line in (proc_cgroup or PROC_SELF_CGROUP).read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            return path
    raise LabError(f"cgroup controller {controller} is not mounted on this host")


def check_names(controllers: tuple[str, ...], where: str) -> None:
    """Refuse controllers nobody has needed (a typo, or a grant wider than it should be)."""
    unknown = [name for name in controllers if name not in ALLOWED]
    if unknown:
        raise LabError(
            f"{where}: lab_cgroups {', '.join(unknown)} not supported "
            f"(allowed: {', '.join(ALLOWED)})"
        )


def grant_dir(controller: str, machine: str, root: Path = ROOT) -> Path:
    """The host directory of ``machine``'s sub-cgroup in ``controller``."""
    nested = own_cgroup(controller).lstrip("/")
    return root / controller / nested / PARENT / machine


def prepare(controllers: tuple[str, ...], machine: str, root: Path = ROOT) -> list[str]:
    """Create the sub-cgroups; return the systemd-nspawn ``--bind=`` options for them."""
    binds = []
    for controller in controllers:
        if not (root / controller).is_dir():
            raise LabError(f"cgroup controller {controller} is not mounted at {root / controller}")
        directory = grant_dir(controller, machine, root)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LabError(f"cannot create cgroup {directory}: {exc.strerror}") from exc
        binds.append(f"--bind={directory}:{STAGING / controller}")
    return binds


def write_guest_unit(guest_root: Path, controllers: tuple[str, ...]) -> None:
    """Install and enable ``lab-cgroups.service`` in a machine's root (nothing without
    controllers)."""
    if not controllers:
        return
    mounts = "\n".join(f"ExecStart=/bin/mount --bind {STAGING / c} {ROOT / c}" for c in controllers)
    units = guest_root / "etc/systemd/system"
    wants = units / "sysinit.target.wants"
    wants.mkdir(parents=True, exist_ok=True)
    (units / UNIT).write_text(UNIT_TEXT.format(controllers=", ".join(controllers), mounts=mounts))
    link = wants / UNIT
    link.unlink(missing_ok=True)
    link.symlink_to(f"../{UNIT}")


def remove(machine: str, root: Path = ROOT) -> list[Path]:
    """Remove whatever sub-cgroups ``machine`` was granted, deepest first (cgroups go with
    rmdir; the machine's processes must be gone)."""
    removed = []
    for controller in ALLOWED:
        if not (root / controller).is_dir():
            continue
        directory = grant_dir(controller, machine, root)
        if not directory.is_dir():
            continue
        for current, _, _ in sorted(os.walk(directory), key=lambda entry: -len(entry[0])):
            try:
                os.rmdir(current)
            except OSError as exc:
                if exc.errno != errno.ENOENT:
                    raise LabError(f"cannot remove cgroup {current}: {exc.strerror}") from exc
        removed.append(directory)
        try:
            directory.parent.rmdir()  # mesos-lab/, once no machine has a grant left
        except OSError:
            pass
    return removed
