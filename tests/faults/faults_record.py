"""Counts and timings of fault rounds: printed, and written as JSON for the README and bench.

Files: ``.cache/faults/<scenario>.json`` under the repository (git-ignored), one list of
rounds per scenario, rewritten after every round so a failed run still leaves what it measured.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from faults_lab import REPO_ROOT

RESULTS_DIR = REPO_ROOT / ".cache" / "faults"
REPEAT_ENV = "FAULTS_REPEAT"
# Rounds on real Mesos: $FAULTS_REAL_REPEAT, else $FAULTS_REPEAT.
REAL_REPEAT_ENV = "FAULTS_REAL_REPEAT"
DEFAULT_REPEAT = 3
MAX_REPEAT = 50


def repeat_count(mesos: str = "sim") -> int:
    """Rounds per scenario: ``$FAULTS_REPEAT`` (1..50), default 3; on real Mesos
    ``$FAULTS_REAL_REPEAT`` when set."""
    name = REPEAT_ENV
    if mesos == "real" and os.environ.get(REAL_REPEAT_ENV, "").strip():
        name = REAL_REPEAT_ENV
    text = os.environ.get(name, "").strip()
    if not text:
        return DEFAULT_REPEAT
    if not text.isdigit() or not 1 <= int(text) <= MAX_REPEAT:
        raise ValueError(f"{name} must be a whole number from 1 to {MAX_REPEAT}, not {text!r}")
    return int(text)


def max_repeat_count() -> int:
    """The most rounds any kind of Mesos runs (test ids are parametrized up to it)."""
    return max(repeat_count("sim"), repeat_count("real"))


class Rounds:
    """The rounds of one scenario (e.g. ``leader-loss-unit``); on real Mesos (``mesos``
    "real") the scenario's name ends in ``-real`` (``leader-loss-unit-real.json``)."""

    def __init__(self, scenario: str, directory: Path = RESULTS_DIR, mesos: str = "sim") -> None:
        self.scenario = scenario if mesos == "sim" else f"{scenario}-{mesos}"
        self.mesos = mesos
        self.path = directory / f"{self.scenario}.json"
        self.rounds: list[dict[str, Any]] = []

    def add(self, **measured: Any) -> None:
        """Record one round, print it and rewrite the JSON file."""
        entry = {
            "mesos": self.mesos,
            "round": len(self.rounds) + 1,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        entry.update(measured)
        self.rounds.append(entry)
        print(f"[{self.scenario}] {json.dumps(entry, sort_keys=True)}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.summary(), indent=2, sort_keys=True) + "\n")

    def summary(self) -> dict[str, Any]:
        """The rounds plus median/max of every numeric field ending in ``_s``."""
        timings: dict[str, dict[str, float]] = {}
        for key in sorted({k for r in self.rounds for k in r if k.endswith("_s")}):
            values = [r[key] for r in self.rounds if isinstance(r.get(key), int | float)]
            if values:
                timings[key] = {
                    "median": round(statistics.median(values), 3),
                    "max": round(max(values), 3),
                    "n": len(values),
                }
        return {"scenario": self.scenario, "rounds": self.rounds, "timings": timings}
