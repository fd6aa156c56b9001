"""Bundled example portfolios (installed as the package ``contracts_examples``)."""
