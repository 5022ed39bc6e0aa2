"""Build the simulator's wheelhouse on the controller (lab machines cannot reach PyPI).

Writes, under ``--cache``:
- ``mesos_sim-0.0.0+<source hash>-py3-none-any.whl``: the repository's ``mesos_sim`` package
  as a pure wheel, built byte-for-byte reproducibly (fixed timestamps, sorted entries), so the
  same source always gives the same file and copying it to a machine is idempotent;
- ``deps-cp<XY>-<arch>-<pins hash>/``: the runtime dependencies (``--require``, pinned by
  ``--constraints``) downloaded with ``pip download`` for the target's Python and architecture;
- ``wheelhouse-<id>.tar``: both in one reproducible archive (the mesos_sim wheel last), so a
  machine gets everything in one copy.

Nothing is rebuilt when it already exists. Prints one JSON object:
``{"changed": bool, "version": str, "wheel": path, "deps_dir": path, "bundle": path,
"bundle_id": str}``.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

PROJECT = "mesos_sim"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}
# Builds of other source versions kept in the cache (each is a few MB).
KEEP_BUILDS = 6
PLATFORMS = {
    "x86_64": [
        "manylinux_2_28_x86_64",
        "manylinux_2_17_x86_64",
        "manylinux2014_x86_64",
        "manylinux_2_5_x86_64",
        "manylinux1_x86_64",
    ],
    "aarch64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
}
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;#]+)")


class BuildError(Exception):
    """A problem the user can fix; reported without a traceback."""


def source_files(source: Path) -> list[Path]:
    """Every file of the package, sorted, without caches and byte code."""
    files = [
        path
        for path in source.rglob("*")
        if path.is_file()
        and not SKIPPED_PARTS.intersection(path.relative_to(source).parts)
        and path.suffix not in SKIPPED_SUFFIXES
    ]
    return sorted(files, key=lambda p: p.relative_to(source).as_posix())


def read_pins(constraints: Path, names: list[str]) -> list[str]:
    """``name==version`` for each of ``names`` as pinned in ``constraints``."""
    pins: dict[str, str] = {}
    for line in constraints.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = f"{match.group(1)}=={match.group(2)}"
    missing = [name for name in names if canonical(name) not in pins]
    if missing:
        raise BuildError(f"{constraints} pins no version for: {', '.join(missing)}")
    return [pins[canonical(name)] for name in names]


def canonical(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def digest(source: Path, files: list[Path], pins: list[str]) -> str:
    """Hash of the package's file names, contents and dependency pins."""
    sha = hashlib.sha256()
    for path in files:
        sha.update(path.relative_to(source).as_posix().encode() + b"\0")
        sha.update(path.read_bytes() + b"\0")
    sha.update("\n".join(pins).encode())
    return sha.hexdigest()


def record_hash(data: bytes) -> str:
    """RECORD's ``sha256=<urlsafe base64 without padding>``."""
    raw = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + raw.decode()


def wheel_entries(source: Path, files: list[Path], version: str, pins: list[str]) -> Iterator:
    """(archive name, bytes) for every member of the wheel, RECORD last."""
    dist_info = f"{PROJECT}-{version}.dist-info"
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            f"Name: {PROJECT}",
            f"Version: {version}",
            "Summary: mesos_sim (simulator): a protocol-faithful Apache Mesos test double",
            "Requires-Python: >=3.11",
            *[f"Requires-Dist: {pin}" for pin in pins],
            "",
        ]
    )
    wheel = "Wheel-Version: 1.0\nGenerator: mesos-lab build_wheelhouse\n"
    wheel += "Root-Is-Purelib: true\nTag: py3-none-any\n"
    members = [(f"{PROJECT}/{p.relative_to(source).as_posix()}", p.read_bytes()) for p in files]
    members += [
        (f"{dist_info}/METADATA", metadata.encode()),
        (f"{dist_info}/WHEEL", wheel.encode()),
    ]
    record = "".join(f"{name},{record_hash(data)},{len(data)}\n" for name, data in members)
    record += f"{dist_info}/RECORD,,\n"
    yield from members
    yield f"{dist_info}/RECORD", record.encode()


def build_wheel(source: Path, files: list[Path], version: str, pins: list[str], dest: Path) -> None:
    """Write the wheel to ``dest`` atomically."""
    with tempfile.NamedTemporaryFile(dir=dest.parent, suffix=".tmp", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        with zipfile.ZipFile(tmp_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in wheel_entries(source, files, version, pins):
                info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        tmp_path.chmod(0o644)
        os.replace(tmp_path, dest)
    finally:
        tmp_path.unlink(missing_ok=True)


def download_deps(pins: list[str], python_version: str, arch: str, dest: Path) -> None:
    """``pip download`` binary wheels of ``pins`` (and their dependencies) for the target."""
    if arch not in PLATFORMS:
        raise BuildError(f"no wheel platform known for architecture {arch!r}")
    major_minor = python_version.replace(".", "")
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".deps-"))
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--dest",
        str(tmp),
        "--only-binary=:all:",
        "--python-version",
        python_version,
        "--implementation",
        "cp",
        "--abi",
        f"cp{major_minor}",
    ]
    for platform in [*PLATFORMS[arch], "any"]:
        command += ["--platform", platform]
    try:
        result = subprocess.run(
            command + pins, check=False, capture_output=True, text=True, timeout=600
        )
        if result.returncode != 0:
            raise BuildError(
                "pip download failed on the controller (it needs PyPI or a mirror):\n"
                + result.stderr[-3000:]
            )
        for path in tmp.iterdir():
            path.chmod(0o644)
        tmp.chmod(0o755)
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_bundle(members: list[Path], dest: Path) -> None:
    """Write ``members`` (in this order) into an uncompressed, reproducible tar at ``dest``."""
    with tempfile.NamedTemporaryFile(dir=dest.parent, suffix=".tmp", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        with tarfile.open(tmp_path, "w", format=tarfile.PAX_FORMAT) as archive:
            for path in members:
                info = tarfile.TarInfo(path.name)
                info.size = path.stat().st_size
                info.mode = 0o644
                info.uname = info.gname = "root"
                with open(path, "rb") as handle:
                    archive.addfile(info, handle)
        tmp_path.chmod(0o644)
        os.replace(tmp_path, dest)
    finally:
        tmp_path.unlink(missing_ok=True)


def prune(cache: Path, pattern: str, keep: int) -> None:
    """Delete all but the ``keep`` most recently modified files matching ``pattern``."""
    builds = sorted(cache.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in builds[keep:]:
        path.unlink(missing_ok=True)


def build(args: argparse.Namespace) -> dict:
    """Build what is missing; return the JSON result."""
    source, cache = Path(args.source).resolve(), Path(args.cache)
    if not (source / "__init__.py").is_file():
        raise BuildError(f"{source} is not a Python package (no __init__.py)")
    cache.mkdir(parents=True, exist_ok=True)
    pins = read_pins(Path(args.constraints), args.require)
    files = source_files(source)
    version = f"0.0.0+{digest(source, files, pins)[:12]}"
    wheel = cache / f"{PROJECT}-{version}-py3-none-any.whl"
    pins_hash = hashlib.sha256("\n".join(pins).encode()).hexdigest()[:12]
    python_tag = "cp" + args.python_version.replace(".", "")
    deps_dir = cache / f"deps-{python_tag}-{args.arch}-{pins_hash}"
    changed = False
    with open(cache / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not wheel.exists():
            build_wheel(source, files, version, pins, wheel)
            changed = True
        if not deps_dir.is_dir():
            download_deps(pins, args.python_version, args.arch, deps_dir)
            changed = True
        bundle_id = hashlib.sha256(f"{wheel.name}\n{deps_dir.name}".encode()).hexdigest()[:16]
        bundle = cache / f"wheelhouse-{bundle_id}.tar"
        if not bundle.exists():
            build_bundle([*sorted(deps_dir.iterdir()), wheel], bundle)
            changed = True
        if changed:
            prune(cache, f"{PROJECT}-*.whl", KEEP_BUILDS)
            prune(cache, "wheelhouse-*.tar", KEEP_BUILDS)
    return {
        "changed": changed,
        "version": version,
        "wheel": str(wheel),
        "deps_dir": str(deps_dir),
        "bundle": str(bundle),
        "bundle_id": bundle_id,
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the mesos_sim package directory")
    parser.add_argument("--cache", required=True, help="controller cache directory")
    parser.add_argument("--constraints", required=True, help="requirements file with pins")
    parser.add_argument(
        "--require", action="append", default=[], help="runtime dependencies, comma-separated"
    )
    parser.add_argument("--python-version", required=True, help="target Python, e.g. 3.11")
    parser.add_argument("--arch", required=True, help="target architecture, e.g. x86_64")
    args = parser.parse_args(argv)
    args.require = [
        name.strip() for item in args.require for name in item.split(",") if name.strip()
    ]
    if not args.require:
        parser.error("--require names no dependency")
    if not re.fullmatch(r"3\.\d+", args.python_version):
        parser.error(f"--python-version must look like 3.11, got {args.python_version!r}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point: print the JSON result, or a one-line reason and exit 2."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        result = build(args)
    except (BuildError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"build_wheelhouse: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
