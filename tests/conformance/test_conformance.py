"""Real Mesos and mesos_sim, the same scripted scenarios, diffed step by step.

Every difference must be listed in documented.json (see mesos_sim/README.md "Differs from
real Mesos"); the run prints ``conformance: N steps, M differences (K documented)``.
"""

from __future__ import annotations

import pytest

from .record import diff
from .report import REPORT
from .scenarios import SCENARIOS


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_simulator_answers_like_real_mesos(clusters, scenario):
    run = SCENARIOS[scenario]
    real = run(clusters["real"].master_url())
    sim = run(clusters["sim"].master_url())
    assert [s.name for s in real] == [s.name for s in sim]
    differences = [line for r, s in zip(real, sim, strict=True) for line in diff(r, s)]
    undocumented = REPORT.add(len(real), differences)
    print(f"{scenario}: {len(real)} steps, {len(differences)} differences")
    for line in differences:
        print(("  " if line not in undocumented else "! ") + line)
    assert not undocumented, "\n".join(undocumented)
