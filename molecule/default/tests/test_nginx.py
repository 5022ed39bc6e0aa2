"""Scenario default: the seed cluster's nginx checks (molecule/shared/seed_checks/nginx.py)."""

from seed_checks.nginx import *  # noqa: F403
