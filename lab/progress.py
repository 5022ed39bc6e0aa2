"""Progress lines: each step with its duration, e.g. ``[  1.8s] boot labtest-agent``."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """Prints one line per finished step; long steps also announce their start."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stdout
        self.started = time.monotonic()

    def line(self, text: str) -> None:
        """Print `text` immediately (progress must show while a step runs)."""
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        """An indented remark that is not a timed step."""
        self.line(f"         {text}")

    @contextmanager
    def step(self, label: str, announce: bool = False) -> Iterator[None]:
        """Time the body; print ``[  x.xs] label`` when it ends (``FAILED`` if it raised)."""
        if announce:
            self.line(f"[ ....  ] {label} ...")
        start = time.monotonic()
        try:
            yield
        except BaseException:
            self.line(f"[{time.monotonic() - start:5.1f}s] {label} FAILED")
            raise
        self.line(f"[{time.monotonic() - start:5.1f}s] {label}")

    def total(self) -> float:
        """Seconds since this Progress was created."""
        return time.monotonic() - self.started
