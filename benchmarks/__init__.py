"""Benchmarks run by hand; each prints a table beside a reference tool run the same way."""
