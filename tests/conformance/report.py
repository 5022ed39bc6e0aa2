"""The run's differences, and which of them mesos_sim/README.md documents.

Documented differences are in ``documented.json`` beside this file (the README's
"Differs from real Mesos" section points at it): each entry's ``match`` is an fnmatch
pattern over a difference line (``<step>: <what>``), ``why`` says why the simulator differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

DOCUMENTED = Path(__file__).with_name("documented.json")


def documented() -> list[dict[str, str]]:
    return json.loads(DOCUMENTED.read_text())


def is_documented(line: str, entries: list[dict[str, str]]) -> bool:
    return any(fnmatchcase(line, entry["match"]) for entry in entries)


@dataclass
class Report:
    steps: int = 0
    differences: list[str] = field(default_factory=list)
    undocumented: list[str] = field(default_factory=list)

    def add(self, steps: int, differences: list[str]) -> list[str]:
        """Count a scenario's steps and differences; return its undocumented ones."""
        entries = documented()
        self.steps += steps
        self.differences += differences
        new = [line for line in differences if not is_documented(line, entries)]
        self.undocumented += new
        return new

    def summary_lines(self) -> list[str]:
        if not self.steps:
            return []
        known = len(self.differences) - len(self.undocumented)
        lines = [
            f"conformance: {self.steps} steps, {len(self.differences)} differences "
            f"({known} documented)"
        ]
        lines += [f"  undocumented: {line}" for line in self.undocumented]
        return lines


REPORT = Report()
