"""The AVENTER repository line per distribution, rendered from mesos_common's defaults and
template with Ansible's own templating (this machine cannot pretend to be Ubuntu in check mode).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

ROLE = Path(__file__).resolve().parents[2] / "roles/mesos_common"


def render(text: str, distribution: str, release: str, **overrides) -> str:
    defaults = yaml.safe_load((ROLE / "defaults/main.yml").read_text())
    variables = {
        name: trust_as_template(value) if isinstance(value, str) else value
        for name, value in {**defaults, **overrides}.items()
    }
    variables["ansible_facts"] = {"distribution": distribution, "distribution_release": release}
    variables["ansible_managed"] = "Ansible managed"
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(text))


@pytest.mark.parametrize(
    ("distribution", "release", "line"),
    [
        ("Debian", "bullseye", "https://rpm.aventer.biz/Debian/ bullseye main"),
        ("Debian", "bookworm", "https://rpm.aventer.biz/Debian/ bookworm main"),
        ("Ubuntu", "jammy", "https://rpm.aventer.biz/Ubuntu/jammy jammy main"),
        ("Ubuntu", "noble", "https://rpm.aventer.biz/Ubuntu/noble noble main"),
    ],
)
def test_source_line_per_distribution(distribution, release, line):
    source = render((ROLE / "templates/aventer-mesos.list.j2").read_text(), distribution, release)
    deb_lines = [text for text in source.splitlines() if text.startswith("deb ")]
    assert deb_lines == [f"deb [signed-by=/etc/apt/keyrings/aventer-mesos.asc] {line}"]


def test_a_mirror_replaces_the_repository():
    source = render(
        (ROLE / "templates/aventer-mesos.list.j2").read_text(),
        "Debian",
        "bookworm",
        mesos_common_package_repo_url="http://mirror.example/aventer/",
        mesos_common_package_repo_suite="stable",
    )
    assert (
        "deb [signed-by=/etc/apt/keyrings/aventer-mesos.asc] "
        "http://mirror.example/aventer/ stable main" in source.splitlines()
    )
