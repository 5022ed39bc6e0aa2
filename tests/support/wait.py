"""Bounded polling: every wait in the tests ends, with a message saying what never happened."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError):
    """Raised when a condition did not become true in time."""


def wait_until(
    condition: Callable[[], T | None],
    timeout: float,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Call ``condition`` until it returns something truthy (returned) or ``timeout`` passes.

    Exceptions of type OSError raised by ``condition`` count as "not yet" (a server that is
    still starting refuses connections).
    """
    deadline = time.monotonic() + timeout
    last_error: OSError | None = None
    while True:
        try:
            value = condition()
        except OSError as exc:
            last_error = exc
            value = None
        if value:
            return value
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise WaitTimeout(f"timed out after {timeout:.1f}s waiting for {what}{detail}")
        time.sleep(interval)
