"""The collection tarball ships ansible-test's tests/sanity and no other test suite.

The suites are the project's, run from the checkout; shipped, ansible-test sanity would also
lint them as collection code. A new suite under tests/ must be added to build_ignore.
"""

from __future__ import annotations

import yaml

from . import repo


def test_every_test_suite_but_sanity_is_left_out_of_the_tarball():
    ignored = set(yaml.safe_load((repo.REPO / "galaxy.yml").read_text())["build_ignore"])
    suites = {
        f"tests/{path.name}"
        for path in (repo.REPO / "tests").iterdir()
        if path.name not in {"sanity", "__pycache__"}
    }
    assert suites - ignored == set(), "add these to galaxy.yml build_ignore"
    assert "tests/sanity" not in ignored
