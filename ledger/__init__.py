"""Permissioned ledger for data-property rights on a private Ethereum chain."""

__version__ = "0.1.0"

__all__ = ["__version__"]
