"""Build an image once per recipe digest: a cached archive is reused as it is."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from imagebuild.docker_archive import write_archive
from imagebuild.errors import ImageError
from imagebuild.recipe import Recipe
from imagebuild.rootfs import build_rootfs


@dataclass(frozen=True)
class Built:
    """An image archive in the cache, and whether this call built it."""

    path: Path
    reference: str
    size: int
    seconds: float
    built: bool


def cached_archive(recipe: Recipe, cache: Path) -> Path:
    """Where the archive of ``recipe`` lives in the cache (its digest in the name)."""
    return cache / "images" / f"{recipe.name}-{recipe.tag}-{recipe.digest[:16]}.tar"


def build_image(recipe: Recipe, cache: Path, mirror: str) -> Built:
    """The archive of ``recipe``: from the cache, else built (debootstrap, files, archive)."""
    started = time.monotonic()
    archive = cached_archive(recipe, cache)
    if archive.exists():
        return Built(archive, recipe.reference, archive.stat().st_size, 0.0, built=False)
    archive.parent.mkdir(parents=True, exist_ok=True)
    for stale in archive.parent.glob(f".{recipe.name}-*.rootfs-*"):
        shutil.rmtree(stale, ignore_errors=True)  # an interrupted earlier build
    rootfs = archive.parent / f".{archive.stem}.rootfs-{os.getpid()}"
    try:
        build_rootfs(recipe, rootfs, mirror, cache / "debootstrap-debs")
        written = write_archive(
            rootfs,
            archive,
            name=recipe.name,
            tag=recipe.tag,
            entrypoint=recipe.entrypoint,
            env=recipe.env,
            labels=dict(recipe.labels),
        )
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
    return Built(
        written.path, recipe.reference, written.size, time.monotonic() - started, built=True
    )


def publish(built: Built, out_dir: Path) -> Path:
    """Put the archive into ``out_dir`` as ``<name>:<tag>.tar``, the name the Mesos local
    registry looks for; a hard link when the cache is on the same file system."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{built.reference}.tar"
    partial = out_dir / f".{built.reference}.tar.partial"
    partial.unlink(missing_ok=True)
    try:
        os.link(built.path, partial)
    except OSError:
        try:
            shutil.copyfile(built.path, partial)
        except OSError as exc:
            raise ImageError(f"cannot write {target}: {exc.strerror}") from exc
    partial.replace(target)
    return target
