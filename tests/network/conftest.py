"""Fixtures for the network tests: the CLI environments of tests/cli."""

from tests.cli.conftest import fresh_cli

__all__ = ["fresh_cli"]
