"""Scenario real: the seed cluster's agent checks (molecule/shared/seed_checks/agent.py)."""

from seed_checks.agent import *  # noqa: F403
