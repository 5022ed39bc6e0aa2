"""Benchmarks: each bench_*.py module exposes run() -> list of result rows."""
