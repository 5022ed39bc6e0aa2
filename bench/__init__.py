"""Benchmarks: each bench_*.py module exposes run() -> list of result rows.

Importing the package puts the repository root and ``plugins/module_utils`` on ``sys.path``,
so bench modules import ``tests.support`` and ``mesos_client`` the way the tests do.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
for _path in (REPO_ROOT, REPO_ROOT / "plugins" / "module_utils"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
