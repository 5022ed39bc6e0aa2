"""Packages download once across machines and runs, without a shared apt lock.

apt takes a non-waiting lock in its archives directory, so one directory bind-mounted into
every machine makes concurrent installs fail ("Could not get lock .../archives/lock"). So
`$MESOS_LAB_CACHE/apt-archives` (mounted at MOUNT in every machine) holds `pool/`, the shared
packages, and `machines/<name>/`, each machine's own archives directory. Both live on one
mount, so hard links move packages between them for free: the host links the pool into a
machine before it boots, apt hooks inside link new downloads into the pool after dpkg runs
and link the pool in again after every `apt-get update`, and `down` harvests what is left.
"""

from __future__ import annotations

import os
from pathlib import Path

MOUNT = "/var/cache/mesos-lab-apt"
APT_CONF = Path("etc/apt/apt.conf.d/50mesos-lab-cache")


def pool(root: Path) -> Path:
    """The shared package pool under the cache root (`$MESOS_LAB_CACHE/apt-archives`)."""
    return root / "pool"


def machine_archives(root: Path, name: str) -> Path:
    """Machine `name`'s own archives directory under the cache root."""
    return root / "machines" / name


def render_apt_conf(name: str) -> str:
    """apt configuration for machine `name` (paths as seen inside the machine)."""
    own = f"{MOUNT}/machines/{name}"
    shared = f"{MOUNT}/pool"
    seed = f"cp -ln {shared}/*.deb {own}/ 2>/dev/null || true"
    harvest = f"cp -ln {own}/*.deb {shared}/ 2>/dev/null || true"
    return (
        "// Written by the mesos-lab lab tool (lab/aptcache.py): own archives directory,\n"
        "// packages shared with every lab machine through hard links to a common pool.\n"
        f'Dir::Cache::Archives "{own}/";\n'
        'APT::Keep-Downloaded-Packages "true";\n'
        'Binary::apt::APT::Keep-Downloaded-Packages "true";\n'
        f'APT::Update::Post-Invoke {{ "{seed}"; }};\n'
        f'DPkg::Post-Invoke {{ "{harvest}"; }};\n'
    )


def link_debs(source: Path, target: Path) -> int:
    """Hard-link every .deb of `source` missing from `target`; return how many were linked."""
    if not source.is_dir():
        return 0
    target.mkdir(parents=True, exist_ok=True)
    linked = 0
    for deb in source.glob("*.deb"):
        try:
            os.link(deb, target / deb.name)
        except FileExistsError:
            continue
        linked += 1
    return linked


def prepare(root: Path, machine_root: Path, name: str) -> None:
    """Create the machine's archives directory, seed it from the pool, write its apt config."""
    pool(root).mkdir(parents=True, exist_ok=True)
    machine_archives(root, name).mkdir(parents=True, exist_ok=True)
    link_debs(pool(root), machine_archives(root, name))
    conf = machine_root / APT_CONF
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(render_apt_conf(name))


def harvest(root: Path, name: str) -> int:
    """Keep what machine `name` downloaded: link it into the pool (before its dir goes)."""
    return link_debs(machine_archives(root, name), pool(root))
