"""Benchmarks: each ``*_bench.py`` module prints one JSON document with its own baseline."""
