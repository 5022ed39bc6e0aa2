"""One lab command at a time across processes (molecule scenarios share the bridge)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lab.errors import LabError
from lab.progress import Progress

LOCK_TIMEOUT = 900.0


@contextmanager
def lab_lock(path: Path, progress: Progress, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive flock on `path`; wait (bounded) while another lab command holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        announced = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not announced:
                    holder = Path(path).read_text().strip() or "?"
                    progress.note(f"waiting for another lab command (pid {holder}) to finish")
                    announced = True
                if time.monotonic() > deadline:
                    raise LabError(f"another lab command held {path} for {timeout:.0f} s") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)
