"""The indexer follows node A; A dies mid-run; it continues from node B without gaps or duplicates.

A and B are two endpoints of the same chain (proxies in front of one anvil; on the Clique network the
journey test, tests/network/test_journey.py, indexes after a killed node). A stops answering
(connection refused) after some requests; the FailoverRpcClient moves to B and the index equals one
built from scratch: same events, same state checksum, same checkpoint.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ledger.chain.failover import FailoverRpcClient
from ledger.indexer import IndexerConfig, RetryPolicy
from ledger.toolchain import Build
from tests.indexer.conftest import IndexerMaker, StoreFactory, chain_rows, event_rows
from tests.indexer.faultproxy import FaultProxy
from tests.indexer.scenario import Chain, bulk_trades


def test_indexer_fails_over_to_node_b_when_node_a_dies_mid_run(
    busy_chain: Chain, make_indexer: IndexerMaker, build: Build, tmp_path: Path
) -> None:
    clean = StoreFactory("sqlite", tmp_path, None).open()
    make_indexer(busy_chain, clean).run()

    a = FaultProxy(busy_chain.node.rpc_url).__enter__()
    b = FaultProxy(busy_chain.node.rpc_url).__enter__()
    rpc = FailoverRpcClient([a.url, b.url], timeout=5, connect_timeout=1)
    store = StoreFactory("sqlite", tmp_path / "b", None)
    (tmp_path / "b").mkdir()
    followed = store.open()

    def kill_a() -> None:
        while a.requests < 6:
            time.sleep(0.001)
        a.kill()  # node A is gone: connections are refused or dropped from now on

    killer = threading.Thread(target=kill_a)
    killer.start()
    try:
        config = IndexerConfig(batch_blocks=8, max_logs=500, retry=RetryPolicy(attempts=3, base_delay=0.01))
        make_indexer(busy_chain, followed, rpc=rpc, config=config).run()
    finally:
        killer.join(10)
        b.__exit__(None, None, None)
    assert rpc.url == b.url and rpc.epoch == 1 and b.requests > 0
    assert followed.state_checksum() == clean.state_checksum()
    assert event_rows(followed) == chain_rows(busy_chain, build)
    assert followed.checkpoint() == clean.checkpoint()
    clean.close()
    followed.close()



def test_indexer_starts_from_node_b_when_node_a_is_already_dead(
    fresh_chain: Chain, make_indexer: IndexerMaker, tmp_path: Path
) -> None:
    """The deployment check at start-up (retried calls) fails over too, not only the indexing."""
    bulk_trades(fresh_chain.world, 20, per_batch=10)
    clean = StoreFactory("sqlite", tmp_path, None).open()
    make_indexer(fresh_chain, clean).run()
    a = FaultProxy(fresh_chain.node.rpc_url).__enter__()
    a.kill()  # node A is gone before the indexer starts
    rpc = FailoverRpcClient([a.url, fresh_chain.node.rpc_url], timeout=5, connect_timeout=1)
    (tmp_path / "b").mkdir()
    followed = StoreFactory("sqlite", tmp_path / "b", None).open()
    config = IndexerConfig(batch_blocks=8, max_logs=500, retry=RetryPolicy(attempts=1, base_delay=0.01))
    make_indexer(fresh_chain, followed, rpc=rpc, config=config).run()
    assert rpc.url == fresh_chain.node.rpc_url
    assert followed.state_checksum() == clean.state_checksum()
    assert followed.checkpoint() == clean.checkpoint()
    clean.close()
    followed.close()
