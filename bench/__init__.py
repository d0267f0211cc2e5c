"""Benchmarks at LA and national scale (not part of the test suite).

    .venv/bin/python -m bench            # everything; writes bench/out/results.json and docs/benchmarks.md
    .venv/bin/python -m bench --quick    # fewer repeats, for a check after a change
    .venv/bin/python -m bench.national bench/out/national   # just the national inputs and lake

See docs/benchmarks.md for what is measured, the targets and the latest figures.
"""
