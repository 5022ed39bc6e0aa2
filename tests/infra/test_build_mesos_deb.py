"""scripts/build-mesos-deb refuses bad input before doing anything; export-source writes a
tree from a git directory that lacks some blobs (as GitHub's apache/mesos mirror does).

The build itself (about 70 minutes) is not run here; see scripts/mesos-deb/README.md.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from . import repo

BUILD = repo.REPO / "scripts" / "build-mesos-deb"
EXPORT = repo.REPO / "scripts" / "mesos-deb" / "export-source"


def run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=60, check=False, cwd=cwd
    )


def mesos_like_tree(tmp: Path) -> Path:
    root = tmp / "src"
    (root / "src" / "master").mkdir(parents=True)
    (root / "configure.ac").write_text("AC_INIT([mesos], [1.12.0])\n")
    return root


def empty_dir(tmp: Path) -> Path:
    (tmp / "src").mkdir()
    return tmp / "src"


def test_without_arguments_prints_usage():
    result = run(BUILD)
    assert result.returncode == 2
    assert "SRC_DIR OUT_DIR" in result.stderr


@pytest.mark.parametrize(
    ("make_src", "extra", "message"),
    [
        (lambda tmp: tmp / "src", [], "does not exist"),
        (empty_dir, [], "is not an Apache Mesos source tree"),
        (mesos_like_tree, ["--jobs", "two"], "--jobs wants a positive number, got 'two'"),
        (mesos_like_tree, ["--patches", "/nonexistent"], "patches dir /nonexistent does not"),
        (mesos_like_tree, ["--frobnicate"], "unknown option --frobnicate"),
    ],
)
def test_bad_input_fails_with_a_message_and_creates_nothing(tmp_path, make_src, extra, message):
    src = make_src(tmp_path)
    out = tmp_path / "out"
    result = run(BUILD, *extra, src, out)
    assert result.returncode != 0
    assert message in result.stderr
    assert not out.exists()
    assert not (tmp_path / "src" / "build").exists()


def git(*argv: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *argv], cwd=cwd, capture_output=True, text=True, timeout=30, check=True
    )
    return result.stdout.strip()


def test_export_source_leaves_out_blobs_the_mirror_lacks(tmp_path):
    work = tmp_path / "work"
    (work / "3rdparty").mkdir(parents=True)
    (work / "configure.ac").write_text("AC_INIT([mesos], [1.12.0])\n")
    (work / "3rdparty" / "grpc-1.11.1.tar.gz").write_bytes(b"lost tarball")
    git("init", "-q", cwd=work)
    git("add", "-A", cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x", cwd=work)
    commit = git("rev-parse", "HEAD", cwd=work)
    lost = git("rev-parse", "HEAD:3rdparty/grpc-1.11.1.tar.gz", cwd=work)
    (work / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    objects_before = git("count-objects", "-v", cwd=work)

    dest = tmp_path / "tree"
    result = run(EXPORT, work / ".git", commit, dest)

    assert result.returncode == 0, result.stderr
    assert "leaving out 3rdparty/grpc-1.11.1.tar.gz" in result.stderr
    assert (dest / "configure.ac").read_text() == "AC_INIT([mesos], [1.12.0])\n"
    assert not (dest / "3rdparty" / "grpc-1.11.1.tar.gz").exists()
    assert git("count-objects", "-v", cwd=work) == objects_before
    again = run(EXPORT, work / ".git", commit, dest)
    assert again.returncode == 1
    assert "exists" in again.stderr
