"""An image's root file system: Debian from debootstrap (minbase plus the recipe's
packages), the recipe's files on top, a marker file, and what a container never reads
pruned away."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from imagebuild.errors import ImageError
from imagebuild.recipe import Recipe

DEBOOTSTRAP_TIMEOUT = 1200
MARKER = Path("etc/mesos-lab-image")  # present in the image only, never on a lab machine
PRUNED_TREES = (
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/locale",
    "usr/share/lintian",
    "var/cache/apt",
    "var/lib/apt/lists",
    "var/cache/ldconfig",  # aux-cache holds inode numbers and times: two builds would differ
)
EMPTIED_DIRS = ("dev", "tmp", "run", "var/tmp")  # the containerizer mounts its own
LOG_DIR = "var/log"  # files removed, directories (nginx's) kept


def debootstrap(recipe: Recipe, target: Path, mirror: str, cache_dir: Path) -> None:
    """Run debootstrap for ``recipe`` into ``target``; downloaded .debs stay in ``cache_dir``."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    command = [
        "debootstrap",
        "--variant=minbase",
        f"--cache-dir={cache_dir}",
    ]
    if recipe.packages:
        command.append(f"--include={','.join(recipe.packages)}")
    command += [recipe.suite, str(target), mirror]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=DEBOOTSTRAP_TIMEOUT, check=False
        )
    except FileNotFoundError as exc:
        raise ImageError("debootstrap is missing: apt-get install debootstrap") from exc
    except subprocess.TimeoutExpired as exc:
        raise ImageError(f"debootstrap took over {DEBOOTSTRAP_TIMEOUT} s; stopped") from exc
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-8:])
        raise ImageError(f"debootstrap failed (exit {result.returncode}):\n{tail}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def overlay_files(recipe: Recipe, root: Path) -> None:
    """Copy the recipe's files/ tree over ``root``; an entry replaces what is there (a
    Debian symlink such as sites-enabled/default becomes the recipe's file)."""
    if not recipe.files.is_dir():
        return
    for source in sorted(recipe.files.rglob("*")):
        target = root / source.relative_to(recipe.files)
        if source.is_dir() and not source.is_symlink():
            if target.is_symlink() or (target.exists() and not target.is_dir()):
                _remove(target)
            target.mkdir(parents=True, exist_ok=True)
            continue
        if target.exists() or target.is_symlink():
            _remove(target)
        shutil.copy2(source, target, follow_symlinks=False)


def prune(root: Path) -> None:
    """Remove documentation, apt caches, logs and the contents of runtime directories."""
    for tree in PRUNED_TREES:
        for child in (root / tree).glob("*"):
            _remove(child)
    for directory in EMPTIED_DIRS:
        for child in (root / directory).glob("*"):
            _remove(child)
    for log in (root / LOG_DIR).rglob("*"):
        if not log.is_dir():
            log.unlink()
    for old in (*root.glob("var/lib/dpkg/*-old"), *root.glob("var/cache/debconf/*-old")):
        old.unlink()
    (root / "etc/machine-id").write_text("")


def write_marker(recipe: Recipe, root: Path) -> None:
    """``/etc/mesos-lab-image``: which image and recipe this root file system is."""
    marker = {"image": recipe.reference, "recipe": recipe.digest}
    (root / MARKER).write_text(json.dumps(marker, sort_keys=True) + "\n")


def build_rootfs(recipe: Recipe, target: Path, mirror: str, cache_dir: Path) -> None:
    """The whole root file system of ``recipe`` at ``target`` (which must not exist)."""
    if target.exists():
        raise ImageError(f"{target} exists; refusing to build over it")
    debootstrap(recipe, target, mirror, cache_dir)
    overlay_files(recipe, target)
    prune(target)
    write_marker(recipe, target)
