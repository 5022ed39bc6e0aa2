"""A one-layer image as a `docker save` archive, written byte for byte the same from the same
tree (sorted entries, mtimes clamped, no user or group names).

The archive holds both layouts readers use:

* the legacy one that Mesos's local puller reads (``repositories``, ``<id>/json`` with the
  runtime config, ``<id>/layer.tar``, ``<id>/VERSION``);
* ``manifest.json`` and the image config (``<digest>.json`` with ``rootfs.diff_ids``) that
  ``docker load`` and skopeo's ``docker-archive:`` read.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from imagebuild.errors import ImageError

EPOCH = 0  # every mtime in the layer and the archive: the same tree, the same bytes
CREATED = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Written:
    """What was written: the archive and the digests that name its parts."""

    path: Path
    layer_id: str  # the legacy layer id (the directory name in the archive)
    diff_id: str  # sha256:<digest of layer.tar>
    config_digest: str
    size: int  # bytes of the archive


def _sorted_paths(root: Path) -> list[Path]:
    """Every path under ``root`` (symlinks not followed), sorted by relative POSIX name, so
    a directory comes before its contents."""
    paths: list[Path] = []

    def failed(exc: OSError) -> None:
        raise ImageError(f"cannot list {exc.filename}: {exc.strerror}") from exc

    for directory, dirnames, filenames in os.walk(root, onerror=failed):
        paths.extend(Path(directory, name) for name in (*dirnames, *filenames))
    return sorted(paths, key=lambda path: path.relative_to(root).as_posix())


def _normalised(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mtime = EPOCH
    info.uname = ""
    info.gname = ""
    return info


def write_layer(root: Path, out) -> str:
    """Write ``root`` as an uncompressed layer tar to the binary file ``out``; return the
    sha256 hex digest of what was written. Sockets and device nodes are left out (the
    containerizer mounts its own /dev)."""
    hashing = _HashingWriter(out)
    with tarfile.open(fileobj=hashing, mode="w|", format=tarfile.GNU_FORMAT) as layer:
        for path in _sorted_paths(root):
            mode = path.lstat().st_mode
            if stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                continue
            name = path.relative_to(root).as_posix()
            info = _normalised(layer.gettarinfo(str(path), arcname=name))
            if info.isreg():
                with path.open("rb") as data:
                    layer.addfile(info, data)
            else:
                layer.addfile(info)
    return hashing.digest.hexdigest()


class _HashingWriter(io.RawIOBase):
    """A write-only file that hashes what passes through to ``out``."""

    def __init__(self, out) -> None:
        super().__init__()
        self.out = out
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        self.out.write(data)
        return len(data)


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def runtime_config(
    entrypoint: Sequence[str], env: Sequence[str], labels: Mapping[str, str]
) -> dict[str, object]:
    """The ``config`` both layouts carry (what Mesos's docker/runtime isolator applies)."""
    config: dict[str, object] = {"Entrypoint": list(entrypoint), "Env": list(env)}
    config["WorkingDir"] = "/"
    if labels:
        config["Labels"] = dict(labels)
    return config


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = _normalised(tarfile.TarInfo(name))
    info.size = len(data)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def _add_dir(archive: tarfile.TarFile, name: str) -> None:
    info = _normalised(tarfile.TarInfo(name))
    info.type = tarfile.DIRTYPE
    info.mode = 0o755
    archive.addfile(info)


def write_archive(
    root: Path,
    out_path: Path,
    *,
    name: str,
    tag: str,
    entrypoint: Sequence[str] = (),
    env: Sequence[str] = (),
    labels: Mapping[str, str] | None = None,
    work_dir: Path | None = None,
) -> Written:
    """Write the image of ``root`` as ``out_path`` (via a temporary file beside it)."""
    work_dir = work_dir or out_path.parent
    layer_path = work_dir / f".{out_path.name}.layer"
    partial = out_path.with_name(f".{out_path.name}.partial")
    try:
        with layer_path.open("wb") as layer_file:
            layer_digest = write_layer(root, layer_file)
        config = runtime_config(entrypoint, env, labels or {})
        diff_id = f"sha256:{layer_digest}"
        image_config = {
            "architecture": "amd64",
            "os": "linux",
            "created": CREATED,
            "config": config,
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": CREATED, "created_by": "mesos-lab imagebuild"}],
        }
        config_bytes = _json_bytes(image_config)
        config_digest = hashlib.sha256(config_bytes).hexdigest()
        layer_id = hashlib.sha256(f"{diff_id} {config_digest}".encode()).hexdigest()
        legacy = {
            "id": layer_id,
            "created": CREATED,
            "config": config,
            "architecture": "amd64",
            "os": "linux",
        }
        manifest = [
            {
                "Config": f"{config_digest}.json",
                "RepoTags": [f"{name}:{tag}"],
                "Layers": [f"{layer_id}/layer.tar"],
            }
        ]
        with tarfile.open(partial, mode="w", format=tarfile.GNU_FORMAT) as archive:
            _add_dir(archive, f"{layer_id}/")
            _add_bytes(archive, f"{layer_id}/VERSION", b"1.0")
            _add_bytes(archive, f"{layer_id}/json", _json_bytes(legacy))
            info = _normalised(archive.gettarinfo(str(layer_path), f"{layer_id}/layer.tar"))
            info.mode = 0o644
            with layer_path.open("rb") as layer_file:
                archive.addfile(info, layer_file)
            _add_bytes(archive, f"{config_digest}.json", config_bytes)
            _add_bytes(archive, "manifest.json", _json_bytes(manifest))
            _add_bytes(archive, "repositories", _json_bytes({name: {tag: layer_id}}))
        partial.rename(out_path)
    except OSError as exc:
        raise ImageError(f"cannot write {out_path}: {exc.strerror or exc}") from exc
    finally:
        layer_path.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return Written(
        path=out_path,
        layer_id=layer_id,
        diff_id=diff_id,
        config_digest=f"sha256:{config_digest}",
        size=out_path.stat().st_size,
    )
