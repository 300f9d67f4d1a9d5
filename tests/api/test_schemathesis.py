"""Schemathesis against a running server: every read and write operation of the OpenAPI schema,
fuzzed with a bounded number of examples, must never answer 5xx and must answer what the schema says.

The server is uvicorn in a subprocess (``api.main:app_factory``, settings from the
environment) over the demo scenario's index on an embedded chain; requests carry a data holder's
API key (the transport bureau's: the authority is the governance, whose powers no API key carries), so
the write gateway's operations reach the contracts (and mostly get refused by them, which must be a
documented 4xx; a few, e.g. invalidating one of its own signing nonces, are accepted and mined);
``ignored_auth`` also sends them without a key or with a wrong one, which must be refused. The run is
seeded: the same examples every time; ``LEDGER_FUZZ_EXAMPLES`` sets how many per operation (see
:data:`MAX_EXAMPLES`).

A second run takes the GET operations as a schema-driven client would, every phase, positive data only:
every request the schema allows must be accepted (``positive_data_acceptance``: no 422 for a value the
schema promises, e.g. a time before the ledger's first block, an RFC 3339 time of year 0001, any cursor
position). ``tests/api/schemathesis_hooks.py`` teaches schemathesis the one format a pattern cannot say
(a mixed-case address is accepted when it is its EIP-55 checksum).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.toolchain import compile_contracts
from tests.api.gateway_support import PASSWORD, Market, Server, api_server, gateway_market

ST = Path(sys.executable).with_name("st")
ROOT = Path(__file__).resolve().parents[2]
ENV = {
    **os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false",
    "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks", "PYTHONPATH": str(ROOT),
}  # fmt: skip

#: Whose API key the requests carry.
ACTOR = "transport"
#: Examples per operation and phase: a short run in the suite (about a minute and a half for both tests with
#: ~75 operations); ``LEDGER_FUZZ_EXAMPLES=N`` fuzzes longer (e.g. 200, for an hour).
MAX_EXAMPLES = int(os.environ.get("LEDGER_FUZZ_EXAMPLES", "6"))
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
)


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with gateway_market(tmp_path_factory.mktemp("schemathesis"), compile_contracts()) as m:
        yield m


@pytest.fixture(scope="module")
def server(market: Market, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with api_server(market, tmp_path_factory.mktemp("uvicorn") / "server.log", log_level="debug") as running:
        yield running


def test_no_operation_answers_5xx_or_outside_its_schema(market: Market, server: Server, tmp_path: Path) -> None:
    # One worker: with two, hypothesis parses lambda sources in two threads at once, which trips a
    # CPython 3.11.7 bug in its AST validator ("AST constructor recursion depth mismatch", gh-106905).
    head = market.head()
    result = subprocess.run(
        [str(ST), "run", f"{server.url}/openapi.json", "--checks", ",".join(CHECKS),
         "--max-examples", str(MAX_EXAMPLES), "--seed", "20261128", "--workers", "1",
         "--phases", "examples,coverage,fuzzing", "--request-timeout", "120", "--no-shrink",
         "--suppress-health-check", "all", "--warnings", "off",
         "-H", f"Authorization: Bearer {market.tokens[ACTOR]}",
         "--report", "junit", "--report-dir", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=900, env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert market.head() > head  # some generated writes were accepted by the contracts and mined
    logged = server.log.read_text()
    assert market.tokens[ACTOR] not in logged and PASSWORD not in logged


def test_every_get_request_the_schema_allows_is_accepted(market: Market, server: Server, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ST), "run", f"{server.url}/openapi.json", "--include-method", "GET", "--mode", "positive",
         "--checks", "positive_data_acceptance,not_a_server_error,status_code_conformance,response_schema_conformance",
         "--max-examples", str(MAX_EXAMPLES), "--seed", "20261206", "--workers", "1",
         "--phases", "examples,coverage,fuzzing", "--request-timeout", "120", "--no-shrink",
         "--suppress-health-check", "all", "--warnings", "off",
         "-H", f"Authorization: Bearer {market.tokens[ACTOR]}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900, env=ENV,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "positive_data_acceptance" not in result.stdout or "No issues found" in result.stdout
