"""Faults between the indexer and the node: retried with backoff, or a clear stop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ledger.chain.rpc import JsonRpcClient
from ledger.errors import NonRetryableError, RpcRemoteError
from ledger.indexer import IndexerConfig, RetriesExhaustedError, RetryPolicy
from ledger.toolchain import Build
from tests.indexer.conftest import FAST, IndexerMaker, StoreFactory, chain_rows, event_rows
from tests.indexer.faultproxy import ALL_FAULTS, Fault, FaultProxy
from tests.indexer.scenario import Chain

TIMEOUT = 0.3  # the proxy's delays exceed it


@pytest.fixture
def proxied() -> Iterator[list[FaultProxy]]:
    made: list[FaultProxy] = []
    yield made
    for proxy in made:
        proxy.__exit__(None, None, None)


def _proxy(chain: Chain, made: list[FaultProxy], **kw: object) -> tuple[FaultProxy, JsonRpcClient]:
    proxy = FaultProxy(chain.node.rpc_url, **kw).__enter__()  # type: ignore[arg-type]
    made.append(proxy)
    return proxy, JsonRpcClient(proxy.url, timeout=TIMEOUT, connect_timeout=TIMEOUT)


def test_every_kind_of_fault_is_retried_and_the_result_equals_a_clean_run(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, build: Build, proxied: list[FaultProxy]
) -> None:
    clean = stores.open()
    make_indexer(busy_chain, clean).run()

    proxy, rpc = _proxy(busy_chain, proxied, every=4, delay=TIMEOUT + 0.2, range_limit=16)
    faulty = stores.fresh().open()
    config = IndexerConfig(batch_blocks=32, retry=RetryPolicy(attempts=12, base_delay=0.01, max_delay=0.1))
    report = make_indexer(busy_chain, faulty, rpc=rpc, config=config).run()

    assert set(ALL_FAULTS) <= set(proxy.counts), proxy.counts
    assert proxy.counts["range"] > 0
    assert report.retries > len(ALL_FAULTS) and report.refused_ranges > 0
    assert faulty.state_checksum() == clean.state_checksum()
    assert event_rows(faulty) == chain_rows(busy_chain, build)
    assert faulty.checkpoint() == clean.checkpoint()


def test_a_node_that_keeps_failing_stops_the_indexer_after_the_retries(
    busy_chain: Chain, stores: StoreFactory, make_indexer: IndexerMaker, proxied: list[FaultProxy]
) -> None:
    store = stores.open()
    make_indexer(busy_chain, store).run()
    before = store.state_checksum()
    busy_chain.mine(3)  # something new to read, through a node that only answers 503
    proxy, rpc = _proxy(busy_chain, proxied, every=1, faults=[Fault.HTTP_503])
    config = IndexerConfig(retry=RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02))
    with pytest.raises(RetriesExhaustedError, match=r"still failing after 3 retries: .*HTTP 503") as info:
        make_indexer(busy_chain, store, rpc=rpc, config=config).run()
    assert isinstance(info.value, NonRetryableError)
    assert proxy.counts[Fault.HTTP_503] == 4  # the first try and three retries
    assert store.state_checksum() == before


@pytest.mark.parametrize(
    ("method", "code", "message"),
    [("eth_getLogs", -32602, "invalid params: filter"), ("eth_getBlockByNumber", -32601, "method not found")],
)
def test_a_node_that_rejects_a_call_stops_the_indexer_with_its_error(
    busy_chain: Chain,
    stores: StoreFactory,
    make_indexer: IndexerMaker,
    proxied: list[FaultProxy],
    method: str,
    code: int,
    message: str,
) -> None:
    store = stores.open()
    proxy, rpc = _proxy(busy_chain, proxied, refuse={method: (code, message)})
    with pytest.raises(RpcRemoteError, match=f"{method}: {message}") as info:
        make_indexer(busy_chain, store, rpc=rpc, config=FAST).run()
    assert info.value.code == code
    assert store.checkpoint() is None
    if method == "eth_getLogs":  # split down to one block before giving up: the node refuses any range
        assert proxy.counts[f"refuse {method}"] == FAST.batch_blocks.bit_length()
