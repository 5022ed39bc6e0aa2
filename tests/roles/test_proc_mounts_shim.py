"""The libmesos copy for kernels without /proc/sysrq-trigger: one path changed, same size,
idempotent, removable, and a clear refusal on a library it does not know."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHIM = REPO / "roles/mesos_agent/files/mesos_proc_mounts_shim.py"


def run(tmp_path, *args):
    env = dict(os.environ, MESOS_LAB_SHIM_DIR=str(tmp_path / "local"))
    (tmp_path / "local").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, str(SHIM), *args], capture_output=True, text=True, env=env, check=False
    )


def a_library(tmp_path, body=b"\x7fELF..../proc/bus\x00/proc/sysrq-trigger\x00/proc/sys\x00"):
    lib = tmp_path / "libmesos-1.12.0.so"
    lib.write_bytes(body)
    return lib


def test_copy_names_proc_uptime_instead_and_keeps_the_size(tmp_path):
    lib = a_library(tmp_path)
    result = run(tmp_path, str(lib))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "changed"
    copy = (tmp_path / "local" / lib.name).read_bytes()
    assert len(copy) == len(lib.read_bytes())
    assert b"/proc/sysrq-trigger" not in copy and b"/proc/uptime\x00" in copy
    wanted = b"/proc/uptime" + b"\x00" * 8  # the same 20 bytes as "/proc/sysrq-trigger\0"
    assert copy == lib.read_bytes().replace(b"/proc/sysrq-trigger\x00", wanted)
    assert b"/proc/sysrq-trigger" in lib.read_bytes()  # the package's file is untouched
    assert run(tmp_path, str(lib)).stdout.strip() == "unchanged"


def test_remove_takes_the_copy_away(tmp_path):
    lib = a_library(tmp_path)
    run(tmp_path, str(lib))
    assert run(tmp_path, str(lib), "--remove").stdout.strip() == "changed"
    assert not (tmp_path / "local" / lib.name).exists()
    assert run(tmp_path, str(lib), "--remove").stdout.strip() == "unchanged"


def test_a_library_without_the_path_is_refused(tmp_path):
    lib = a_library(tmp_path, b"\x7fELF nothing here")
    result = run(tmp_path, str(lib))
    assert result.returncode != 0
    assert "expected one '/proc/sysrq-trigger' in the library, found 0" in result.stderr
    assert not (tmp_path / "local" / lib.name).exists()
