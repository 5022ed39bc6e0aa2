"""build_wheelhouse.py: the simulator's wheels, built on the controller for lab machines."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.util
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "roles/mesos_common/files/build_wheelhouse.py"
_spec = importlib.util.spec_from_file_location("build_wheelhouse", SCRIPT)
build_wheelhouse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_wheelhouse)

PINS = "aiohttp==3.14.5\nkazoo==2.11.0  # pinned\nrequests==2.34.2\n"


@pytest.fixture
def source(tmp_path) -> Path:
    package = tmp_path / "src" / "mesos_sim"
    (package / "sub").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "__init__.py").write_text('"""A stand-in package."""\n')
    (package / "__main__.py").write_text("from mesos_sim.sub.mod import hello\nprint(hello())\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "mod.py").write_text("def hello():\n    return 'sim ok'\n")
    (package / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0junk")
    return package


@pytest.fixture
def constraints(tmp_path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(PINS)
    return path


@pytest.fixture
def downloads(monkeypatch) -> list:
    """Tests may not reach PyPI: stand in for ``pip download`` with one fake wheel per pin."""
    calls = []

    def fake_download(pins, python_version, arch, dest):
        calls.append((tuple(pins), python_version, arch))
        dest.mkdir()
        for pin in pins:
            name, version = pin.split("==")
            (dest / f"{name}-{version}-py3-none-any.whl").write_bytes(pin.encode())

    monkeypatch.setattr(build_wheelhouse, "download_deps", fake_download)
    return calls


def run_build(source: Path, cache: Path, constraints: Path) -> dict:
    args = build_wheelhouse.parse_args(
        [
            "--source", str(source), "--cache", str(cache), "--constraints", str(constraints),
            "--require=aiohttp,kazoo", "--python-version", "3.11", "--arch", "x86_64",
        ]
    )  # fmt: skip
    return build_wheelhouse.build(args)


def test_wheel_is_reproducible_and_built_once(tmp_path, source, constraints, downloads):
    first = run_build(source, tmp_path / "cache1", constraints)
    again = run_build(source, tmp_path / "cache1", constraints)
    other = run_build(source, tmp_path / "cache2", constraints)
    assert first["changed"] is True
    assert again == {**first, "changed": False}
    assert other["version"] == first["version"]
    assert Path(other["wheel"]).read_bytes() == Path(first["wheel"]).read_bytes()
    assert Path(other["bundle"]).read_bytes() == Path(first["bundle"]).read_bytes()
    assert downloads == [(("aiohttp==3.14.5", "kazoo==2.11.0"), "3.11", "x86_64")] * 2


def test_wheel_content_metadata_and_record(tmp_path, source, constraints, downloads):
    result = run_build(source, tmp_path / "cache", constraints)
    version = result["version"]
    assert version.startswith("0.0.0+") and len(version) == len("0.0.0+") + 12
    assert Path(result["wheel"]).name == f"mesos_sim-{version}-py3-none-any.whl"
    with zipfile.ZipFile(result["wheel"]) as wheel:
        names = wheel.namelist()
        dist_info = f"mesos_sim-{version}.dist-info"
        assert names == [
            "mesos_sim/__init__.py",
            "mesos_sim/__main__.py",
            "mesos_sim/sub/__init__.py",
            "mesos_sim/sub/mod.py",
            f"{dist_info}/METADATA",
            f"{dist_info}/WHEEL",
            f"{dist_info}/RECORD",
        ]
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        assert "Requires-Dist: aiohttp==3.14.5" in metadata.splitlines()
        assert "Requires-Dist: kazoo==2.11.0" in metadata.splitlines()
        assert "Requires-Dist: requests" not in metadata
        record = list(csv.reader(io.StringIO(wheel.read(f"{dist_info}/RECORD").decode())))
        for name, digest, size in record:
            if name.endswith("RECORD"):
                assert digest == size == ""
                continue
            data = wheel.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode()
            assert int(size) == len(data)


def test_source_change_gives_a_new_version(tmp_path, source, constraints, downloads):
    before = run_build(source, tmp_path / "cache", constraints)
    (source / "sub" / "mod.py").write_text("def hello():\n    return 'changed'\n")
    after = run_build(source, tmp_path / "cache", constraints)
    assert after["version"] != before["version"]
    assert after["changed"] is True
    assert after["deps_dir"] == before["deps_dir"]
    assert len(downloads) == 1


def test_bundle_holds_the_dependencies_then_the_wheel(tmp_path, source, constraints, downloads):
    result = run_build(source, tmp_path / "cache", constraints)
    with tarfile.open(result["bundle"]) as bundle:
        members = bundle.getmembers()
    assert [m.name for m in members] == [
        "aiohttp-3.14.5-py3-none-any.whl",
        "kazoo-2.11.0-py3-none-any.whl",
        Path(result["wheel"]).name,
    ]
    assert {(m.mtime, m.uid, m.gid, m.mode) for m in members} == {(0, 0, 0, 0o644)}


def test_wheel_installs_offline_and_runs(tmp_path, source, constraints, downloads):
    result = run_build(source, tmp_path / "cache", constraints)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--isolated", "--no-index", "--no-deps",
         "--quiet", result["wheel"]],
        check=True, timeout=120,
    )  # fmt: skip
    # cwd: not the repository, whose own mesos_sim would shadow the installed one.
    ran = subprocess.run(
        [str(python), "-m", "mesos_sim"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert ran.stdout == "sim ok\n"
    shown = subprocess.run(
        [str(python), "-m", "pip", "show", "mesos_sim"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert f"Version: {result['version']}" in shown.stdout


def test_old_builds_are_pruned(tmp_path, source, constraints, downloads):
    cache = tmp_path / "cache"
    for index in range(build_wheelhouse.KEEP_BUILDS + 2):
        (source / "sub" / "mod.py").write_text(f"def hello():\n    return {index}\n")
        run_build(source, cache, constraints)
    assert len(list(cache.glob("mesos_sim-*.whl"))) == build_wheelhouse.KEEP_BUILDS
    assert len(list(cache.glob("wheelhouse-*.tar"))) == build_wheelhouse.KEEP_BUILDS


def test_main_prints_json(tmp_path, source, constraints, downloads, capsys):
    argv = ["--source", str(source), "--cache", str(tmp_path / "c"), "--constraints",
            str(constraints), "--require", "kazoo", "--python-version", "3.11",
            "--arch", "x86_64"]  # fmt: skip
    assert build_wheelhouse.main(argv) == 0
    assert json.loads(capsys.readouterr().out)["changed"] is True


@pytest.mark.parametrize(
    "case",
    [
        ({"--require": "aiohttp,ujson"}, "pins no version for: ujson"),
        ({"--source": "/nonexistent/mesos_sim"}, "is not a Python package"),
        ({"--arch": "riscv64"}, "no wheel platform known for architecture 'riscv64'"),
    ],
)
def test_errors_are_one_line_without_traceback(tmp_path, source, constraints, capsys, case):
    change, message = case
    options = {
        "--source": str(source), "--cache": str(tmp_path / "c"),
        "--constraints": str(constraints), "--require": "aiohttp",
        "--python-version": "3.11", "--arch": "x86_64", **change,
    }  # fmt: skip
    argv = [item for pair in options.items() for item in pair]
    assert build_wheelhouse.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_bad_python_version_is_refused(tmp_path, source, constraints, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_wheelhouse.parse_args(
            ["--source", str(source), "--cache", "c", "--constraints", str(constraints),
             "--require", "x", "--python-version", "python3", "--arch", "x86_64"]
        )  # fmt: skip
    assert exit_info.value.code == 2
    assert "--python-version must look like 3.11" in capsys.readouterr().err
