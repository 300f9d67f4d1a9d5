"""A real load balancer in front of the API: HAProxy (Debian's, installed by scripts/services.py when missing)
with three replicas over one PostgreSQL store. Its health checks use ``/ready``: a replica that is not ready
gets no request; killing a replica under load costs at most the requests in flight on it (reads in flight
are even retried on another replica), and the others carry on."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from ledger.settings import LedgerSettings
from ledger.toolchain import compile_contracts
from tests.api.gateway_support import ROOT, Market, api_server, gateway_market, postgres_schema

sys.path.insert(0, str(ROOT / "scripts"))
import services


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    with postgres_schema() as url, gateway_market(tmp_path_factory.mktemp("lb"), compile_contracts(), url) as m:
        yield m


def _wait_states(balancer: services.Balancer, wanted: dict[str, str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while (states := balancer.server_states()) != wanted:
        assert time.monotonic() < deadline, states
        time.sleep(0.1)


PATHS = ["/api/v1/assets?limit=5", "/api/v1/assets/1", "/api/v1/trades/aggregates?group_by=day", "/api/v1/licences",
         "/api/v1/status", "/api/v1/participants?role=exchange", "/api/v1/assets/2/history"]  # fmt: skip


def test_haproxy_spreads_reads_skips_a_replica_not_ready_and_a_killed_one_costs_only_its_requests_in_flight(
    market: Market, tmp_path: Path
) -> None:
    not_ready = Market(
        LedgerSettings(data_dir=tmp_path / "empty", database_url=f"sqlite:///{tmp_path / 'empty.db'}"),
        market.rpc, market.build, market.store, market.summary,
    )  # fmt: skip
    with ExitStack() as stack:
        servers = [stack.enter_context(api_server(market, tmp_path / f"replica-{i}.log")) for i in range(3)]
        empty = stack.enter_context(api_server(not_ready, tmp_path / "not-ready.log"))
        backends = [s.url.removeprefix("http://") for s in [*servers, empty]]
        balancer = stack.enter_context(services.haproxy_balancer(backends, inter_ms=300))
        _wait_states(balancer, {**{b: "UP" for b in backends[:3]}, backends[3]: "DOWN"})

        records: list[tuple[float, float, int]] = []  # (sent, done, status; 0: no answer)
        lock = threading.Lock()
        deadline = time.monotonic() + 8.0

        def load(offset: int) -> None:
            with httpx.Client(base_url=balancer.url, timeout=30) as client:
                i = offset
                while time.monotonic() < deadline:
                    sent = time.monotonic()
                    try:
                        status = client.get(PATHS[i % len(PATHS)]).status_code
                    except httpx.HTTPError:
                        status = 0
                    with lock:
                        records.append((sent, time.monotonic(), status))
                    i += 1
                    time.sleep(0.01)

        threads = [threading.Thread(target=load, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        time.sleep(3.0)
        victim = servers[0]
        killed = time.monotonic()
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait()
        for t in threads:
            t.join()
        _wait_states(balancer, {backends[0]: "DOWN", backends[1]: "UP", backends[2]: "UP", backends[3]: "DOWN"})
        # Writes go through too (to a live replica).
        write = httpx.post(f"{balancer.url}/api/v1/tx/declarations", json={"document_hash": "0x" + "3c" * 32},
                           headers={**market.auth("merchant"), "Idempotency-Key": "lb-1"}, timeout=60)  # fmt: skip
        assert write.status_code == 200, write.text

    in_flight = sum(1 for sent, done, _ in records if sent <= killed < done)
    failed = [r for r in records if r[2] != 200]
    after = [r for r in records if r[0] > killed]
    print(f"{len(records)} requests, {in_flight} in flight at the kill, {len(failed)} failed")
    assert len(records) > 200 and len(after) > 100
    # The not-ready replica answered nothing (its answers would be 503s); the killed one cost at most what it
    # had in flight, and nothing after.
    assert len(failed) <= in_flight, (failed, in_flight)
    assert all(r[2] == 200 for r in after if r[0] > killed + 0.05)
