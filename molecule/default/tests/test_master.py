"""Scenario default: the seed cluster's master checks (molecule/shared/seed_checks/master.py)."""

from seed_checks.master import *  # noqa: F403
