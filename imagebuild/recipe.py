"""An image recipe (images/<name>/recipe.json plus its files/ tree), checked and hashed."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from imagebuild.errors import ImageError

NAME_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")  # a Docker repository name component
TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
SUITES = ("bullseye", "bookworm", "trixie")
RECIPE_VERSION = 2  # bump when rootfs.py or docker_archive.py change what they write
KEYS = {"name", "tag", "suite", "packages", "entrypoint", "env", "labels"}


@dataclass(frozen=True)
class Recipe:
    """What an image is made of; ``digest`` changes with any input, the files included."""

    directory: Path
    name: str
    tag: str
    suite: str
    packages: tuple[str, ...]
    entrypoint: tuple[str, ...]
    env: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]
    digest: str

    @property
    def reference(self) -> str:
        """``name:tag``, also the archive's file name in a Mesos local registry (+ .tar)."""
        return f"{self.name}:{self.tag}"

    @property
    def files(self) -> Path:
        return self.directory / "files"


def _strings(value: object, key: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ImageError(f"{path}: {key} must be a list of non-empty strings")
    return tuple(value)


def _tree_digest(files: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    if not files.is_dir():
        return digest
    for path in sorted(files.rglob("*")):
        relative = path.relative_to(files).as_posix()
        mode = path.lstat().st_mode
        digest.update(f"{relative}\0{mode:o}\0".encode())
        if path.is_symlink():
            digest.update(str(path.readlink()).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest


def load_recipe(directory: Path | str) -> Recipe:
    """Read and check ``<directory>/recipe.json``."""
    directory = Path(directory)
    path = directory / "recipe.json"
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise ImageError(f"cannot read {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise ImageError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ImageError(f"{path}: expected an object")
    unknown = set(data) - KEYS
    if unknown:
        raise ImageError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    name, tag, suite = data.get("name"), data.get("tag", "latest"), data.get("suite", "bookworm")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ImageError(f"{path}: name {name!r} is not a Docker repository name")
    if not isinstance(tag, str) or not TAG_RE.match(tag):
        raise ImageError(f"{path}: tag {tag!r} is not a Docker tag")
    if suite not in SUITES:
        raise ImageError(f"{path}: suite {suite!r} is not one of {', '.join(SUITES)}")
    labels = data.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise ImageError(f"{path}: labels must map names to strings")
    digest = _tree_digest(directory / "files")
    digest.update(json.dumps([data, RECIPE_VERSION], sort_keys=True).encode())
    return Recipe(
        directory=directory,
        name=name,
        tag=tag,
        suite=suite,
        packages=_strings(data.get("packages", []), "packages", path),
        entrypoint=_strings(data.get("entrypoint", []), "entrypoint", path),
        env=_strings(data.get("env", []), "env", path),
        labels=tuple(sorted(labels.items())),
        digest=digest.hexdigest(),
    )
