"""The simulator's own errors, shared by the parts that read configuration at startup."""

from __future__ import annotations


class StartupError(RuntimeError):
    """A configuration problem found at startup (printed, exit code 1)."""
