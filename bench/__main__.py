"""`python -m bench`: run every bench_*.py module and write bench/results.{md,json}.

A row is a dict with at least ``name``, ``value`` and ``unit``; rows that compare two
figures measured side by side in the same run also carry ``baseline`` and ``ratio``. Modules
that measure mesos_sim measure real Mesos in the same run too (bench/real.py).
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(only: list[str]) -> list[str]:
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    return [n for n in names if not only or n in only]


def render_markdown(results: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['date']} on {results['machine']} (Python {results['python']}).",
        "Ratios compare two figures measured side by side in the same run.",
        "Rows named `real Mesos ...` were measured against real Apache Mesos on loopback and",
        "follow their mesos_sim row; in bench_sim and bench_failover their baseline is the",
        "mesos_sim figure (ratio real/sim), in bench_modules `ansible -m ping`.",
        "",
        "| suite | measurement | value | unit | baseline | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for suite, rows in results["suites"].items():
        for row in rows:
            baseline = row.get("baseline", "")
            ratio = row.get("ratio", "")
            lines.append(
                f"| {suite} | {row['name']} | {row['value']} | {row['unit']} "
                f"| {baseline} | {ratio} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("suites", nargs="*", help="bench_* modules to run (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="directory for results files")
    args = parser.parse_args(argv)

    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.machine()}, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "suites": {},
    }
    failed = []
    for name in discover(args.suites):
        print(f"bench: {name} ...", flush=True)
        started = time.monotonic()
        module = importlib.import_module(f"bench.{name}")
        try:
            results["suites"][name] = module.run()
        except (OSError, RuntimeError, ValueError) as exc:
            failed.append(f"{name}: {exc}")
            continue
        print(f"bench: {name} done in {time.monotonic() - started:.1f}s", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "results.md").write_text(render_markdown(results))
    print(render_markdown(results))
    for line in failed:
        print(f"bench: FAILED {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
