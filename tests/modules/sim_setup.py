"""How the module tests (and bench_modules) configure their simulated agents."""

from __future__ import annotations

from tests.support.ports import agent_resources

__all__ = ["agent_resources"]
