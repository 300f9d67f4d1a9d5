"""Runs the nodes of a network folder on this machine: one geth process per node, own ports and data dir.

Each node's process keeps ``nodes/<name>/geth.pid`` and appends to ``nodes/<name>/geth.log``; every
command (``start``, ``stop``, ``status``, the tests' kill and restart) works from those files, so a
network started by one process is stopped by another.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ledger.chain.rpc import JsonRpcClient
from ledger.errors import LedgerError, NodeError
from ledger.network.definition import NetworkDefinition, NodeDefinition
from ledger.settings import PROJECT_ROOT, LedgerSettings

__all__ = ["ENGINE_VERSION", "LocalNetwork", "NodeStatus", "find_engine"]

logger = logging.getLogger(__name__)

ENGINE_VERSION: Final[str] = "v1.13.15"
_BUILD_SCRIPT: Final[Path] = PROJECT_ROOT / "scripts" / "build-engine"
_STOP_TIMEOUT: Final[float] = 30.0


def find_engine(settings: LedgerSettings | None = None, *, build: bool = True) -> Path:
    """``settings.engine_binary``, else the geth that ``scripts/build-engine`` builds (built now if missing)."""
    if settings is not None and settings.engine_binary is not None:
        if not settings.engine_binary.is_file():
            raise NodeError(f"engine binary {settings.engine_binary} (LEDGER_ENGINE_BINARY) does not exist")
        return settings.engine_binary
    candidate = PROJECT_ROOT / "build" / "engines" / f"geth-{ENGINE_VERSION}" / "geth"
    if candidate.is_file():
        return candidate
    if not build:
        raise NodeError(f"no engine at {candidate}: run scripts/build-engine")
    logger.info("building the network engine (scripts/build-engine)")
    proc = subprocess.run([str(_BUILD_SCRIPT), "--print-path"], capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not candidate.is_file():
        raise NodeError(f"scripts/build-engine failed:\n{proc.stderr[-2000:]}")
    return candidate


@dataclass(frozen=True, slots=True)
class NodeStatus:
    name: str
    rpc_url: str
    pid: int | None
    running: bool
    block: int | None = None
    block_hash: str | None = None
    peers: int | None = None
    validator: bool | None = None
    sealing: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "rpc_url": self.rpc_url, "pid": self.pid, "running": self.running,
            "block": self.block, "block_hash": self.block_hash, "peers": self.peers,
            "validator": self.validator, "sealing": self.sealing,
        }  # fmt: skip


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                return "Z" not in line.split()[1]
    except OSError:
        pass
    return True


class LocalNetwork:
    """Start, stop, kill and inspect the nodes of ``definition`` on this machine."""

    def __init__(self, definition: NetworkDefinition, settings: LedgerSettings | None = None) -> None:
        self.definition = definition
        self.settings = settings
        self._children: dict[str, subprocess.Popen[bytes]] = {}

    # ─────────────────────────────────────────── paths

    def _dir(self, node: NodeDefinition) -> Path:
        return self.definition.node_dir(node.name)

    def data_dir(self, node: NodeDefinition) -> Path:
        return self._dir(node) / "data"

    def pid_path(self, node: NodeDefinition) -> Path:
        return self._dir(node) / "geth.pid"

    def log_path(self, node: NodeDefinition) -> Path:
        return self._dir(node) / "geth.log"

    def pid(self, node: NodeDefinition) -> int | None:
        try:
            pid = int(self.pid_path(node).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        if not _alive(pid):
            return None
        child = self._children.get(node.name)
        if child is not None and child.pid == pid:
            return pid  # ours (its command line may not show geth until it has exec'd)
        try:
            if b"geth" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                return None
        except OSError:
            pass
        return pid

    # ─────────────────────────────────────────── commands

    def command(self, node: NodeDefinition, engine: Path) -> list[str]:
        d = self.definition
        directory = self._dir(node)
        args = [
            str(engine),
            "--config", str(directory / "config.toml"),
            "--datadir", str(self.data_dir(node)),
            "--keystore", str(directory / "keystore"),
            "--nodekey", str(directory / "nodekey"),
            "--networkid", str(d.chain_id),
            "--port", str(node.p2p_port),
            "--nat", "none", "--nodiscover", "--netrestrict", "127.0.0.0/8", "--maxpeers", str(len(d.nodes) + 4),
            "--http", "--http.addr", node.host, "--http.port", str(node.rpc_port),
            "--http.api", "eth,net,web3,txpool,clique", "--http.vhosts", "*",
            "--authrpc.addr", "127.0.0.1", "--authrpc.port", str(node.authrpc_port),
            "--ipcdisable",
            "--syncmode", "full", "--gcmode", "archive", "--state.scheme", "hash", "--cache", "256",
            "--miner.gaslimit", str(d.gas_limit), "--miner.gasprice", "0", "--miner.recommit", "500ms",
            "--txpool.pricelimit", "1", "--txpool.accountslots", "4096", "--txpool.globalslots", "65536",
            "--txpool.accountqueue", "4096", "--txpool.globalqueue", "16384", "--txpool.nolocals",
            "--rpc.batch-request-limit", "20000", "--rpc.batch-response-max-size", "500000000",
            "--rpc.gascap", "0", "--rpc.txfeecap", "0",
            "--verbosity", "3",
        ]  # fmt: skip
        if node.validator:
            args += [
                "--mine", "--miner.etherbase", node.address, "--unlock", node.address,
                "--password", str(directory / "password"), "--allow-insecure-unlock",
            ]  # fmt: skip
        return args

    def _engine(self) -> Path:
        return find_engine(self.settings)

    def _init(self, node: NodeDefinition, engine: Path) -> None:
        if (self.data_dir(node) / "geth" / "chaindata").exists():
            return
        proc = subprocess.run(
            [str(engine), "--datadir", str(self.data_dir(node)), "--state.scheme", "hash", "init",
             str(self.definition.directory / "genesis.json")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            raise NodeError(f"{node.name}: geth init failed:\n{proc.stderr[-2000:]}")

    def start_node(self, name: str) -> int:
        """Starts one node (initialising its data dir from the genesis on first start); returns its pid."""
        node = self.definition.node(name)
        running = self.pid(node)
        if running is not None:
            return running
        engine = self._engine()
        self._init(node, engine)
        cmd = self.command(node, engine)
        log = open(self.log_path(node), "ab")  # noqa: SIM115 - handed to the child
        try:
            log.write(f"\n==== {time.strftime('%Y-%m-%dT%H:%M:%S%z')} start\n".encode())
            log.flush()
            proc = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            log.close()
        self._children[name] = proc
        self.pid_path(node).write_text(f"{proc.pid}\n")
        return proc.pid

    def start(self, names: list[str] | None = None, *, wait: float = 60.0) -> None:
        """Starts the nodes (all by default) and waits until each answers with the network's chain id."""
        names = names or self.definition.names()
        for name in names:
            self.start_node(name)
        for name in names:
            self.wait_ready(name, timeout=wait)

    def wait_ready(self, name: str, *, timeout: float = 60.0) -> None:
        node = self.definition.node(name)
        deadline = time.monotonic() + timeout
        with JsonRpcClient(node.rpc_url, timeout=2.0, connect_timeout=0.5) as rpc:
            while True:
                if self.pid(node) is None:
                    raise NodeError(f"{name} exited during start-up:\n{self.log_tail(name)}")
                try:
                    if int(rpc.call("eth_chainId"), 16) == self.definition.chain_id:
                        return
                except LedgerError:
                    pass
                if time.monotonic() > deadline:
                    raise NodeError(
                        f"{name} did not answer at {node.rpc_url} in {timeout:.0f}s:\n{self.log_tail(name)}"
                    )
                time.sleep(0.1)

    def _signal(self, name: str, sig: int, timeout: float) -> bool:
        node = self.definition.node(name)
        pid = self.pid(node)
        if pid is None:
            self.pid_path(node).unlink(missing_ok=True)
            return False
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while _alive(pid):
            if time.monotonic() > deadline:
                logger.warning("%s (pid %d) did not stop in %.0fs; killing it", name, pid, timeout)
                os.kill(pid, signal.SIGKILL)
                deadline = time.monotonic() + 10
            time.sleep(0.05)
        child = self._children.pop(name, None)
        if child is not None:
            child.wait()
        self.pid_path(node).unlink(missing_ok=True)
        return True

    def stop_node(self, name: str) -> bool:
        """SIGTERM (geth flushes its database and exits); True if it was running."""
        return self._signal(name, signal.SIGTERM, _STOP_TIMEOUT)

    def kill_node(self, name: str) -> bool:
        """SIGKILL (a crash: whatever geth had not written is lost)."""
        return self._signal(name, signal.SIGKILL, 10.0)

    def stop(self) -> list[str]:
        return [name for name in self.definition.names() if self.stop_node(name)]

    # ─────────────────────────────────────────── status

    def status(self, name: str, *, timeout: float = 2.0) -> NodeStatus:
        node = self.definition.node(name)
        pid = self.pid(node)
        if pid is None:
            return NodeStatus(name, node.rpc_url, None, False)
        try:
            with JsonRpcClient(node.rpc_url, timeout=timeout, connect_timeout=0.5) as rpc:
                head, peers = rpc.batch([("eth_getBlockByNumber", ["latest", False]), ("net_peerCount", [])])
                try:
                    signers = rpc.call("clique_getSigners", ["latest"])
                    validator: bool | None = node.address.lower() in {s.lower() for s in signers}
                except LedgerError:
                    validator = None
                try:
                    sealing: bool | None = bool(rpc.call("eth_mining"))
                except LedgerError:
                    sealing = None
        except LedgerError:
            return NodeStatus(name, node.rpc_url, pid, True)
        return NodeStatus(
            name, node.rpc_url, pid, True, int(head["number"], 16), head["hash"], int(peers, 16), validator, sealing
        )

    def statuses(self) -> list[NodeStatus]:
        return [self.status(name) for name in self.definition.names()]

    def log_tail(self, name: str, lines: int = 20) -> str:
        try:
            text = self.log_path(self.definition.node(name)).read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
