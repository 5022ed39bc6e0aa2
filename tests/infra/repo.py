"""Read the repository's Ansible files the way the tools do, for the infra tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMMAND_TIMEOUT = 120


def ansible_env(**extra: str) -> dict[str, str]:
    """Environment for ansible-* commands: the project's ansible.cfg, no fact cache on disk."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
        ANSIBLE_CACHE_PLUGIN="memory",
        ANSIBLE_NOCOLOR="1",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    env.update(extra)
    return env


def run_ansible(tool: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run one of the venv's ansible-* tools from the repository root; never raises on rc."""
    return subprocess.run(
        [str(BIN / tool), *args],
        cwd=REPO,
        env=ansible_env(**env),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def inventory(path: Path) -> dict[str, Any]:
    """`ansible-inventory --list` of an inventory, as a dict."""
    result = run_ansible("ansible-inventory", "-i", str(path), "--list")
    assert result.returncode == 0, f"ansible-inventory -i {path} failed:\n{result.stderr}"
    return json.loads(result.stdout)


def group_hosts(listing: dict[str, Any], group: str) -> set[str]:
    """Hosts of a group and of its child groups, from an `ansible-inventory --list` dict."""
    entry = listing.get(group, {})
    hosts = set(entry.get("hosts", []))
    for child in entry.get("children", []):
        hosts |= group_hosts(listing, child)
    return hosts


def host_vars(listing: dict[str, Any], host: str) -> dict[str, Any]:
    """The merged variables of one host, from an `ansible-inventory --list` dict."""
    return listing.get("_meta", {}).get("hostvars", {}).get(host, {})


def load_yaml(path: Path) -> Any:
    """Parse one YAML file."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))
