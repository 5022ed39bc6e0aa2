"""Serialising lab commands across processes with flock."""

import subprocess
import sys
import time

import pytest

from lab.errors import LabError
from lab.lock import lab_lock
from lab.progress import Progress

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, b"4242")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_lock(path, seconds):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline() == "held\n"
    return child


def test_lock_held_by_another_process_times_out_clearly(tmp_path, capsys):
    holder = hold_lock(tmp_path / "lock", 30)
    try:
        with (
            pytest.raises(LabError, match="another lab command held"),
            lab_lock(tmp_path / "lock", Progress(), timeout=0.5),
        ):
            pass
        assert "waiting for another lab command (pid 4242)" in capsys.readouterr().out
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_lock_is_taken_once_the_other_process_releases_it(tmp_path):
    holder = hold_lock(tmp_path / "lock", 0.5)
    start = time.monotonic()
    try:
        with lab_lock(tmp_path / "lock", Progress(), timeout=30):
            waited = time.monotonic() - start
    finally:
        holder.wait(timeout=30)
    assert waited > 0.2
    assert (tmp_path / "lock").read_text().strip().isdigit()
