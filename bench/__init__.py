"""Benchmarks: each prints its figures and writes them to bench/results/ with machine and date."""
