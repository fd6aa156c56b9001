"""Benchmarks: synthetic portfolios at province scale, measured against a plain reference implementation."""
