"""Benchmarks: `python -m benchmarks` (or `make bench`) runs them and prints one table each."""
