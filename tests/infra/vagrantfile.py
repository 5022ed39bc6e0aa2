"""Read the facts the infra tests need from the Vagrantfile without a Ruby interpreter.

The Vagrantfile keeps them in a fixed shape on purpose: a MACHINES hash of name => address,
CPUS and MEMORY_MB constants, one block per provider and one ansible provisioner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MACHINES_BLOCK = re.compile(r"^MACHINES\s*=\s*\{(?P<body>.*?)\}\.freeze", re.M | re.S)
MACHINE_ENTRY = re.compile(r'"(?P<name>[\w-]+)"\s*=>\s*"(?P<address>[\d.]+)"')
INTEGER_CONSTANT = r"^{name}\s*=\s*(?P<value>\d+)\s*$"
PROVIDER = re.compile(
    r'config\.vm\.provider\s+"(?P<name>\w+)"\s+do\s+\|(?P<var>\w+)\|(?P<body>.*?)\bend\b', re.S
)
BOX = re.compile(r'config\.vm\.box\s*=\s*"(?P<box>[^"]+)"')
PROVISIONER = re.compile(
    r'vm\.provision\s+"ansible"\s+do\s+\|(?P<var>\w+)\|(?P<body>.*?)\bend\b', re.S
)


class VagrantfileFormatError(ValueError):
    """The Vagrantfile no longer has the shape this reader expects."""


@dataclass(frozen=True)
class Vagrantfile:
    """What the Vagrantfile declares."""

    machines: dict[str, str]
    cpus: int
    memory_mb: int
    box: str
    providers: dict[str, dict[str, str]]
    provisioner: dict[str, str]


def _integer(text: str, name: str) -> int:
    match = re.search(INTEGER_CONSTANT.format(name=name), text, re.M)
    if match is None:
        raise VagrantfileFormatError(f"no `{name} = <integer>` line")
    return int(match["value"])


def _settings(var: str, body: str) -> dict[str, str]:
    """`var.key = value` lines of a block, values as written (strings unquoted)."""
    pattern = re.compile(rf"{var}\.(?P<key>\w+)\s*=\s*(?P<value>.+?)\s*$", re.M)
    return {m["key"]: m["value"].strip('"') for m in pattern.finditer(body)}


def parse(path: Path) -> Vagrantfile:
    """Parse the project's Vagrantfile."""
    text = path.read_text(encoding="utf-8")
    block = MACHINES_BLOCK.search(text)
    if block is None:
        raise VagrantfileFormatError("no `MACHINES = { ... }.freeze` hash")
    machines = {m["name"]: m["address"] for m in MACHINE_ENTRY.finditer(block["body"])}
    box = BOX.search(text)
    provisioner = PROVISIONER.search(text)
    if box is None or provisioner is None:
        raise VagrantfileFormatError("no config.vm.box or no ansible provisioner block")
    return Vagrantfile(
        machines=machines,
        cpus=_integer(text, "CPUS"),
        memory_mb=_integer(text, "MEMORY_MB"),
        box=box["box"],
        providers={m["name"]: _settings(m["var"], m["body"]) for m in PROVIDER.finditer(text)},
        provisioner=_settings(provisioner["var"], provisioner["body"]),
    )
