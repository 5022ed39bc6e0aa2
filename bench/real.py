"""Real Apache Mesos beside mesos_sim in the same bench run: row names and the "not run" row.

Each bench module that measures mesos_sim on loopback measures the same thing against real
Mesos (tests/support/real_mesos.py, the project's .deb unpacked) in the same run. A real row
is named ``real Mesos <version>: <the sim row's name>`` and follows its sim row. When real
Mesos cannot run here, the real rows are replaced by one row saying why.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.support.real_mesos import find_deb, why_not_available

Rows = list[dict]
NOT_RUN = "real Mesos: not run: "


def real_label() -> str:
    """``real Mesos 1.12`` (major.minor from the package's file name), else ``real Mesos``."""
    deb = find_deb()
    found = re.match(r"mesos_(\d+\.\d+)", deb.name) if deb else None
    return f"real Mesos {found.group(1)}" if found else "real Mesos"


def not_run_row(reason: str) -> dict:
    """The one row that stands for every real row of a module that could not run them."""
    return {"name": f"{NOT_RUN}{reason}", "value": "-", "unit": "-"}


def real_rows_or_reason(measure: Callable[[], Rows]) -> Rows:
    """``measure()`` when real Mesos can run here, else the one "not run" row."""
    reason = why_not_available()
    return [not_run_row(reason)] if reason else measure()


def against_sim(real: dict, sim: dict) -> dict:
    """``real`` with the sim row's value as its baseline and real/sim as its ratio."""
    row = dict(real)
    if isinstance(sim.get("value"), int | float) and isinstance(real.get("value"), int | float):
        row["baseline"] = sim["value"]
        row["ratio"] = round(real["value"] / sim["value"], 2) if sim["value"] else "-"
    return row


def named_real(rows: Rows) -> Rows:
    """Rows measured against real Mesos, named ``real Mesos 1.12: <the sim row's name>``."""
    label = real_label()
    return [{**row, "name": f"{label}: {row['name']}"} for row in rows]


def side_by_side(sim: Rows, real: Rows, *, baseline_sim: bool = True) -> Rows:
    """Each sim row followed by its real row (same order); a lone "not run" row goes last.

    With ``baseline_sim`` a real row's baseline is its sim row's value (ratio real/sim);
    without, rows keep the baselines they were measured with. Real rows that do not pair up
    with the sim rows one for one are an error, not a silent misalignment.
    """
    if len(real) == 1 and real[0]["name"].startswith(NOT_RUN):
        return [*sim, *real]
    rows: Rows = []
    for sim_row, real_row in zip(sim, real, strict=True):
        rows += [sim_row, against_sim(real_row, sim_row) if baseline_sim else real_row]
    return rows
