"""The Python layer on a real multi-node network (geth v1.13 Clique, built by scripts/build-engine).

One network for the module: 4 nodes, 3 of them Clique signers (an even number of signers can deadlock
after a fork), 1 s blocks, own ports on 127.0.0.1. Transactions are signed and sent by the project's
TxSender through a FailoverRpcClient over all four nodes. Clique goes on with one signer of three down
(the two left alternate: a signer seals at most one of any 2 consecutive blocks) and halts with two down.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rlp

from ledger.chain.failover import FailoverRpcClient
from ledger.client import Call, TxSender, dev_account
from ledger.client.sender import ChainStalledError
from ledger.contracts.codec import ErrorTable
from ledger.errors import NodeError
from ledger.network import LocalNetwork, find_engine, load_definition, write_clique_network
from ledger.network.besu import besu_qbft_genesis, check_chain_id, qbft_extra_data, write_besu_kit
from ledger.network.definition import NetworkDefinitionError, clique_genesis
from tests.conftest import free_port

CHAIN_ID = 4501
# One worker runs the whole module (scripts/test: --dist loadgroup): one network, not one per worker.
pytestmark = pytest.mark.xdist_group("network")


def _base_port() -> int:
    """A base port whose p2p (base+i), RPC (base+100+i) and engine (base+200+i) ports look free, below the
    kernel's ephemeral range: a node stopped and started again finds its ports free, as no outgoing connection
    (of this test or of another worker's) can be given one meanwhile."""
    ranges = Path("/proc/sys/net/ipv4/ip_local_port_range")
    ephemeral = int(ranges.read_text().split()[0]) if ranges.exists() else 32768
    pick = random.Random()
    for _ in range(200):
        base = pick.randrange(10_000, ephemeral - 210, 10)
        try:
            for offset in (0, 1, 2, 3, 100, 101, 102, 103, 200, 201, 202, 203):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
    raise RuntimeError("no free port range")


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNetwork]:
    try:
        find_engine(build=True)
    except NodeError as exc:
        pytest.fail(f"the network engine cannot be built: {exc}")
    directory = tmp_path_factory.mktemp("net") / "network"
    definition = write_clique_network(
        directory, validators=3, nodes=4, chain_id=CHAIN_ID, base_port=_base_port(),
        funded=[dev_account(i).address for i in range(10)], light_kdf=True,
    )  # fmt: skip
    net = LocalNetwork(definition)
    net.start()
    try:
        _wait_blocks(net, 2)
        yield net
    finally:
        net.stop()


def _wait_blocks(net: LocalNetwork, at_least: int, names: list[str] | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    for name in names or net.definition.names():
        while (net.status(name).block or 0) < at_least:
            assert time.monotonic() < deadline, f"{name} below block {at_least}: {net.log_tail(name)}"
            time.sleep(0.2)


def _sender(net: LocalNetwork, account: int, *, first: int = 0, stall: float = 20.0) -> TxSender:
    urls = net.definition.rpc_urls
    rpc = FailoverRpcClient(urls[first:] + urls[:first], timeout=10, max_lag=10)
    return TxSender(rpc, dev_account(account), CHAIN_ID, ErrorTable(()), timeout=90, stall_timeout=stall)


def _transfers(count: int, value: int = 1) -> list[Call]:
    return [Call(to=dev_account(19).address, data=b"", value=value, gas=21_000) for _ in range(count)]


def _same_hashes(net: LocalNetwork, names: list[str], timeout: float = 60) -> int:
    """Waits until all nodes hold the same block at the lowest head, returns that block's number."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = [net.status(n) for n in names]
        low = min(s.block or 0 for s in statuses)
        hashes = set()
        for n in names:
            with FailoverRpcClient([net.definition.node(n).rpc_url], timeout=5) as rpc:
                hashes.add(rpc.call("eth_getBlockByNumber", [hex(low), False])["hash"])
        if len(hashes) == 1 and low > 0:
            return low
        assert time.monotonic() < deadline, f"nodes disagree at block {low}: {hashes}"
        time.sleep(0.5)


# ───────────────────────────────────────────────────────────── definition and kit (no engine)


def test_init_writes_keystores_genesis_static_nodes_and_per_node_config(tmp_path: Path) -> None:
    d = write_clique_network(tmp_path / "n", validators=4, chain_id=CHAIN_ID, base_port=40000, light_kdf=True)
    assert load_definition(tmp_path / "n") == d
    genesis = json.loads((tmp_path / "n" / "genesis.json").read_text())
    extra = bytes.fromhex(genesis["extraData"][2:])
    signers = [extra[32 + 20 * i : 52 + 20 * i] for i in range((len(extra) - 97) // 20)]
    assert sorted("0x" + s.hex() for s in signers) == sorted(v.address.lower() for v in d.validators)
    assert "shanghaiTime" not in genesis["config"]  # Clique refuses Shanghai: the EVM target is london
    assert d.evm_version == "london" and d.finality_confirmations == 3
    three = write_clique_network(tmp_path / "m", validators=3, nodes=4, chain_id=CHAIN_ID, base_port=40000,
                                 light_kdf=True)  # fmt: skip
    assert [n.validator for n in three.nodes] == [True, True, True, False] and three.finality_confirmations == 2
    for node in d.nodes:
        folder = d.node_dir(node.name)
        assert (folder / "nodekey").stat().st_mode & 0o777 == 0o600
        assert len(list((folder / "keystore").glob("*.json"))) == 1
        assert node.enode not in (folder / "config.toml").read_text()  # peers only, not itself
    assert d.env()["LEDGER_RPC_URL"].count(",") == 3
    with pytest.raises(NetworkDefinitionError):
        write_clique_network(tmp_path / "n", validators=4, chain_id=CHAIN_ID)


def test_besu_extra_data_decodes_to_the_validators_with_pyrlp() -> None:
    validators = [dev_account(i).address for i in range(4)]
    vanity, listed, vote, round_, seals = rlp.decode(bytes.fromhex(qbft_extra_data(validators)[2:]))
    assert vanity == b"\0" * 32
    assert ["0x" + v.hex() for v in listed] == [v.lower() for v in validators]
    assert (vote, round_, seals) == ([], b"", [])


def test_besu_genesis_activates_cancun_and_shares_the_engines_other_fields() -> None:
    validators = [dev_account(i).address for i in range(4)]
    funded = [dev_account(i).address for i in range(10, 14)]
    besu = besu_qbft_genesis(4501, validators, funded, block_period_s=2, gas_limit=400_000_000)
    clique = clique_genesis(4501, validators, funded, block_period_s=2, gas_limit=400_000_000)
    assert besu["config"]["shanghaiTime"] == 0 and besu["config"]["cancunTime"] == 0  # PUSH0, MCOPY
    assert besu["config"]["qbft"]["blockperiodseconds"] == 2
    # Where the formats coincide (the engine built here is Clique, not QBFT), the bytes are the same.
    for key in ("alloc", "gasLimit", "difficulty", "nonce", "timestamp", "coinbase"):
        assert json.dumps(besu[key]) == json.dumps(clique[key])
    assert besu["config"]["chainId"] == clique["config"]["chainId"]


def test_besu_kit_refuses_another_provinces_chain_id_and_public_ones(tmp_path: Path) -> None:
    check_chain_id(4501, 450000)  # Guangxi's own
    with pytest.raises(NetworkDefinitionError, match="Guangdong"):
        check_chain_id(4401, 450000)
    with pytest.raises(NetworkDefinitionError, match="anvil"):
        check_chain_id(31337, None)
    kit = write_besu_kit(tmp_path / "kit", validators=4, chain_id=4501, province=450000)
    permissions = (tmp_path / "kit" / "permissions_config.toml").read_text()
    assert all(n["enode"] in permissions for n in kit["nodes"])
    assert (tmp_path / "kit" / "nodes" / "node0" / "key").stat().st_mode & 0o777 == 0o600
    assert (
        "permissions-accounts-config-file-enabled=true"
        in (tmp_path / "kit" / "nodes" / "node0" / "config.toml").read_text()
    )


# ───────────────────────────────────────────────────────────── on the running network


def test_status_shows_three_signers_and_a_member_node_each_with_three_peers(network: LocalNetwork) -> None:
    statuses = network.statuses()
    assert [s.validator for s in statuses] == [True, True, True, False]
    assert all(s.peers == 3 for s in statuses)
    _same_hashes(network, network.definition.names())


def test_transactions_are_typed_by_what_the_node_supports(network: LocalNetwork) -> None:
    sender = _sender(network, 0)
    receipts = sender.transact_many(_transfers(3))
    assert sender.tx_type == 2  # London blocks carry a base fee
    assert all(r.status == 1 for r in receipts)


def test_killing_one_validator_while_transfers_flow(network: LocalNetwork) -> None:
    sender = _sender(network, 1, first=1)
    acknowledged: list[str] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def flow() -> None:
        try:
            while not stop.is_set():
                receipts = sender.transact_many(_transfers(20))
                acknowledged.extend(r.tx_hash for r in receipts)
        except BaseException as exc:
            failures.append(exc)

    worker = threading.Thread(target=flow)
    worker.start()
    time.sleep(3)
    network.kill_node("node2")  # a signer
    time.sleep(6)
    stop.set()
    worker.join(120)
    assert not failures, failures
    network.start_node("node2")
    network.wait_ready("node2")
    head = network.status("node0").block or 0
    _wait_blocks(network, head, ["node2"])
    _same_hashes(network, network.definition.names())
    with FailoverRpcClient([network.definition.node("node2").rpc_url], timeout=10) as rpc:
        receipts = rpc.batch([("eth_getTransactionReceipt", [h]) for h in acknowledged])
    assert len(acknowledged) >= 40 and len(set(acknowledged)) == len(acknowledged)
    assert all(r is not None and r["status"] == "0x1" for r in receipts)


def test_killing_the_connected_node_mid_batch_fails_over_without_a_nonce_gap(network: LocalNetwork) -> None:
    sender = _sender(network, 2, first=0)  # connected to node0, a signer
    hashes = sender.send(_transfers(300))
    network.kill_node("node0")  # before the batch is mined: some may only be in node0's pool
    try:
        receipts = sender.wait(hashes)
        assert [r.tx_hash for r in receipts] == hashes and all(r.status == 1 for r in receipts)
        assert sender.rpc.url != network.definition.node("node0").rpc_url
        more = sender.transact_many(_transfers(2))  # the account is not blocked by a gap
        assert more[-1].status == 1
        count = int(sender.rpc.call("eth_getTransactionCount", [sender.address, "latest"]), 16)
        assert count == int(sender.rpc.call("eth_getTransactionCount", [sender.address, "pending"]), 16)
    finally:
        network.start_node("node0")
        network.wait_ready("node0")
    _same_hashes(network, network.definition.names())


def test_two_signers_down_halts_with_a_typed_error_and_resumes_without_loss(network: LocalNetwork) -> None:
    _same_hashes(network, network.definition.names())
    network.stop_node("node1")
    network.stop_node("node2")
    sender = _sender(network, 3, stall=6.0)
    try:
        # The two left seal at most the blocks Clique's signer limit allows, then stop: sending goes on
        # being acknowledged until then, and the first wait after that ends in the typed error.
        hashes: list[str] = []
        started = time.monotonic()
        while True:
            batch = sender.send(_transfers(5))
            hashes += batch
            try:
                sender.wait(batch)
            except ChainStalledError as exc:
                assert "no new block" in str(exc)
                break
            assert time.monotonic() - started < 60, "the network did not halt with two of three signers down"
    finally:
        network.start_node("node1")
        network.start_node("node2")
        network.wait_ready("node1")
        network.wait_ready("node2")
    deadline = time.monotonic() + 90
    while True:  # ChainStalledError is retryable: a client waits again until the network resumes
        try:
            receipts = sender.wait(hashes)  # the same signed transactions are mined
            break
        except ChainStalledError:
            assert time.monotonic() < deadline, "the network did not resume with its three signers"
    assert all(r.status == 1 for r in receipts)
    _same_hashes(network, network.definition.names())


def test_the_ledger_deploys_under_exactly_the_rules_the_besu_genesis_activates(tmp_path: Path) -> None:
    """Besu cannot run here: anvil runs the genesis's rules (Cancun from block 0) and the system deploys."""
    from ledger.chain import EmbeddedNode
    from ledger.client import make_sender
    from ledger.contracts.deploy import deploy_system
    from ledger.contracts.system import DEPLOYED_CONTRACTS
    from ledger.governance import GovernanceConfig
    from ledger.network.besu import genesis_evm_rules
    from ledger.settings import LedgerSettings
    from ledger.toolchain import compile_contracts

    genesis = besu_qbft_genesis(4501, [dev_account(1).address], [dev_account(0).address], block_period_s=2,
                                gas_limit=400_000_000)  # fmt: skip
    rules = genesis_evm_rules(genesis)
    assert rules == "cancun"

    class BesuRules(EmbeddedNode):
        def command(self) -> list[str]:
            args = super().command()
            args[args.index("--hardfork") + 1] = rules
            return args

    settings = LedgerSettings(data_dir=tmp_path / "data", node_port=free_port(), block_time=0)
    build = compile_contracts(settings)
    assert build.evm_version == "cancun"  # what the kit's README tells members to compile for
    with BesuRules(settings) as node, node.client(timeout=30) as rpc:
        sender = make_sender(settings, rpc, dev_account(0), None)
        deployment = deploy_system(rpc, sender, build, governance=GovernanceConfig.dev())
        assert set(deployment.contracts) == set(DEPLOYED_CONTRACTS) and deployment.evm_version == "cancun"


BURNER_INITCODE = bytes.fromhex("635b600056600052600460" "1cf3")  # deploys JUMPDEST PUSH1 0 JUMP: burns all its gas


def test_a_transaction_priced_at_a_zero_base_fee_is_mined_after_the_base_fee_rises(network: LocalNetwork) -> None:
    """The genesis base fee is 0; a block above its gas target raises it to 1 wei, where it stays (a decrease
    below 8 wei rounds to 0). geth's miner wants a tip of 1 gwei (--miner.gasprice 0 is taken as the default),
    so a transaction signed at maxFee = tip = 1 gwei had an effective tip 1 wei short: never mined."""
    sender = _sender(network, 4)
    latest = sender.rpc.call("eth_getBlockByNumber", ["latest", False])
    assert int(latest["baseFeePerGas"], 16) == 0
    ((tx_hash, _, raw, _),) = sender.sign([Call(to=dev_account(19).address, data=b"", value=1, gas=21_000)])

    burner = _sender(network, 5)
    (created,) = burner.transact_many([Call(to=None, data=BURNER_INITCODE, gas=100_000)])
    assert created.contract_address is not None
    deadline = time.monotonic() + 120
    while int(burner.rpc.call("eth_getBlockByNumber", ["latest", False])["baseFeePerGas"], 16) == 0:
        assert time.monotonic() < deadline, "the base fee did not rise"
        burner.wait(burner.send([Call(to=created.contract_address, data=b"", gas=30_000_000)] * 8), check=False)

    sender.rpc.call("eth_sendRawTransaction", [raw])
    deadline = time.monotonic() + 20
    while (receipt := sender.rpc.call("eth_getTransactionReceipt", [tx_hash])) is None:
        assert time.monotonic() < deadline, "a transaction priced at a zero base fee is not mined once it rose"
        time.sleep(0.5)
    assert receipt["status"] == "0x1"
