"""The embedded chain: an ``anvil`` process with its state persisted under ``data_dir/node``.

Files (``<data_dir>/node/``): ``state.json`` (anvil ``--state``, dumped every
``state_interval`` seconds and on a clean stop), ``anvil.log`` (anvil's output,
appended) and ``anvil.pid`` (while running).

``stop()`` sends SIGINT, on which anvil writes its state and exits; ``kill()``
sends SIGKILL and loses whatever happened since the last periodic dump.
"""

from __future__ import annotations

import logging
import os
import platform
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from ledger.chain.chain_ids import require_distinct_chain_id
from ledger.chain.rpc import JsonRpcClient
from ledger.errors import LedgerError, NodeError
from ledger.settings import PROJECT_ROOT, LedgerSettings

__all__ = [
    "DEV_MNEMONIC",
    "HARDFORK",
    "HARDFORK_FOR_EVM",
    "EmbeddedNode",
    "find_anvil",
    "hardfork_for",
    "node_dir",
]

logger = logging.getLogger(__name__)

DEV_MNEMONIC: Final[str] = "test test test test test test test test test test test junk"
# Newest fork that is safe for solc evmVersion "cancun" bytecode (prague only adds
# precompiles/EIP-7702; osaka would add EIP-7825's per-transaction gas cap).
HARDFORK: Final[str] = "prague"
#: anvil's --hardfork for each EVM target (LEDGER_EVM_VERSION): the embedded node runs the rules of the
#: network the contracts are compiled for, so the contract suite can run at an older target too.
HARDFORK_FOR_EVM: Final[dict[str, str]] = {"london": "london", "paris": "paris", "shanghai": "shanghai",
                                           "cancun": HARDFORK}  # fmt: skip


def hardfork_for(settings: LedgerSettings) -> str:
    return HARDFORK if settings.evm_version is None else HARDFORK_FOR_EVM[settings.evm_version]
DEV_ACCOUNTS: Final[int] = 50
_STOP_TIMEOUT: Final[float] = 15.0

_OS_NAMES: Final[dict[str, str]] = {"linux": "linux", "darwin": "darwin", "win32": "win32"}
_ARCH_NAMES: Final[dict[str, str]] = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
}


def find_anvil(settings: LedgerSettings | None = None) -> Path:
    """``settings.anvil_binary``, else the npm-installed anvil for this OS/CPU."""
    if settings is not None and settings.anvil_binary is not None:
        if not settings.anvil_binary.is_file():
            raise NodeError(f"anvil binary {settings.anvil_binary} (LEDGER_ANVIL_BINARY) does not exist")
        return settings.anvil_binary
    os_name = _OS_NAMES.get(sys.platform, sys.platform)
    arch = _ARCH_NAMES.get(platform.machine().lower(), platform.machine().lower())
    exe = "anvil.exe" if os_name == "win32" else "anvil"
    candidate = PROJECT_ROOT / "node_modules" / "@foundry-rs" / f"anvil-{os_name}-{arch}" / "bin" / exe
    if candidate.is_file():
        return candidate
    others = sorted(str(p) for p in (PROJECT_ROOT / "node_modules" / "@foundry-rs").glob("anvil-*/bin/*"))
    raise NodeError(
        f"anvil for {os_name}-{arch} not found at {candidate}; run `npm ci` in {PROJECT_ROOT} "
        f"(installed: {', '.join(others) or 'none'}) or set LEDGER_ANVIL_BINARY"
    )


def node_dir(settings: LedgerSettings) -> Path:
    return settings.data_dir / "node"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_anvil_pid(pid: int) -> bool:
    if not _pid_alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        return b"anvil" in cmdline.read_bytes()
    except OSError:
        return True  # no /proc (macOS): assume the pid file is right


def _format_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _AutomineWatch:
    """Mines a block when anvil, mining on every transaction (``block_time`` 0), leaves ready transactions in
    its pool: its automine now and then misses transactions that arrive while it mines (foundry-rs/foundry#10122),
    and they would wait forever, every sender reporting a stalled chain. Every ``interval`` seconds it reads the
    head, the pool's pending count and whether automine is on, in one batch; pending transactions seen twice at the
    same head while automine is on get an ``evm_mine`` (a plain one: it moves no clock). Automine switched off
    (``anvil_setAutomine``: a benchmark's bulk step sends everything, then mines) is left alone."""

    def __init__(self, url: str, interval: float = 1.0) -> None:
        self.url = url
        self.interval = interval
        self.nudges = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="anvil-automine-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        seen: tuple[int, int] | None = None  # (head, pending) at the last look
        with JsonRpcClient(self.url, timeout=2.0, connect_timeout=0.5) as rpc:
            while not self._stop.wait(self.interval):
                try:
                    number, pool, automine = rpc.batch(
                        [("eth_blockNumber", []), ("txpool_status", []), ("anvil_getAutomine", [])]
                    )
                    head, pending = int(number, 16), int(pool["pending"], 16) if automine else 0
                    if pending and seen is not None and seen[1] and seen[0] == head:
                        logger.warning(
                            "anvil left %d ready transaction(s) unmined at block %d (its automine missed them):"
                            " mining a block", pending, head,
                        )  # fmt: skip
                        rpc.call("evm_mine", [])
                        self.nudges += 1
                        seen = None
                    else:
                        seen = (head, pending)
                except LedgerError as exc:  # anvil stopping or restarting: look again later
                    logger.debug("automine watch: %s", exc)
                    seen = None


class EmbeddedNode:
    """Start/stop anvil for ``settings`` (``node_host:node_port``, ``data_dir/node``).

    ``with EmbeddedNode(settings) as node:`` starts it, waits until it answers,
    and stops it (SIGINT, state saved) on exit.
    """

    def __init__(
        self,
        settings: LedgerSettings,
        *,
        ready_timeout: float = 30.0,
        stop_timeout: float = _STOP_TIMEOUT,
        extra_args: list[str] | None = None,
    ) -> None:
        self.settings = settings
        self.ready_timeout = ready_timeout
        self.stop_timeout = stop_timeout
        self.extra_args = list(extra_args or [])
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.started_at: float | None = None
        self.startup_seconds: float | None = None
        self.automine_watch: _AutomineWatch | None = None

    # ------------------------------------------------------------------ paths

    @property
    def directory(self) -> Path:
        return node_dir(self.settings)

    @property
    def state_path(self) -> Path:
        return self.directory / "state.json"

    @property
    def backup_path(self) -> Path:
        """Copy of ``state.json`` taken after the last clean stop."""
        return self.directory / "state.json.bak"

    @property
    def log_path(self) -> Path:
        return self.directory / "anvil.log"

    @property
    def pid_path(self) -> Path:
        return self.directory / "anvil.pid"

    @property
    def rpc_url(self) -> str:
        host = self.settings.node_host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.settings.node_port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def client(self, timeout: float = 10.0) -> JsonRpcClient:
        """A new JSON-RPC client for this node (close it when done)."""
        return JsonRpcClient(self.rpc_url, timeout=timeout)

    # --------------------------------------------------------------- commands

    def command(self) -> list[str]:
        s = self.settings
        args = [
            str(find_anvil(s)),
            "--host", s.node_host,
            "--port", str(s.node_port),
            "--chain-id", str(s.chain_id),
            "--gas-limit", str(s.block_gas_limit),
            "--block-base-fee-per-gas", "0",
            "--hardfork", hardfork_for(s),
            "--accounts", str(DEV_ACCOUNTS),
            "--mnemonic", DEV_MNEMONIC,
            "--order", "fifo",
            "--state", str(self.state_path),
            "--state-interval", str(s.state_interval),
            "--no-request-size-limit",
            "--color", "never",
        ]  # fmt: skip
        if s.node_preserve_history:
            args.append("--preserve-historical-states")
        if s.block_time > 0:
            args += ["--block-time", _format_seconds(s.block_time)]
        return args + self.extra_args

    def _check_pid_file(self) -> None:
        try:
            pid = int(self.pid_path.read_text().strip())
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            pid = -1
        if pid > 0 and _is_anvil_pid(pid):
            raise NodeError(f"an embedded node is already running for {self.directory} (pid {pid}); stop it first")
        logger.info("removing stale pid file %s (pid %s)", self.pid_path, pid)
        self.pid_path.unlink(missing_ok=True)

    def _check_port(self) -> None:
        host = "127.0.0.1" if self.settings.node_host in ("0.0.0.0", "::", "") else self.settings.node_host
        try:
            with socket.create_connection((host, self.settings.node_port), timeout=0.5):
                pass
        except OSError:
            return  # nothing listening
        version = None
        try:
            with JsonRpcClient(self.rpc_url, timeout=2.0, connect_timeout=1.0) as rpc:
                version = str(rpc.call("web3_clientVersion"))
        except LedgerError:
            pass
        if version and "anvil" in version.lower():
            raise NodeError(
                f"another anvil ({version}) is already listening on {host}:{self.settings.node_port}; "
                "stop it or set LEDGER_NODE_PORT"
            )
        raise NodeError(
            f"port {host}:{self.settings.node_port} is already in use by another program"
            + (f" ({version})" if version else "")
            + "; set LEDGER_NODE_PORT"
        )

    def _check_state_file(self) -> None:
        if self.state_path.exists() and self.state_path.stat().st_size == 0:
            raise NodeError(
                f"node state file {self.state_path} is empty (killed during a dump?); the copy from the "
                f"last clean stop is {self.backup_path}; move one of them into place to start"
            )

    def start(self, *, wait: bool = True) -> None:
        """Launch anvil (no-op if this object already runs it); by default wait until ready."""
        if self.is_running:
            return
        require_distinct_chain_id(self.settings.chain_id, self.settings.recognised_chain_ids, where="embedded node")
        self.directory.mkdir(parents=True, exist_ok=True)
        self._check_pid_file()
        self._check_port()
        self._check_state_file()
        cmd = self.command()
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self._log.write(f"\n==== {time.strftime('%Y-%m-%dT%H:%M:%S%z')} {shlex.join(cmd)}\n".encode())
        self._log.flush()
        logger.info("starting anvil on %s (state %s)", self.rpc_url, self.state_path)
        self.started_at = time.monotonic()
        try:
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a terminal Ctrl-C reaches us, and we stop anvil cleanly
            )
        except OSError as exc:
            self._close_log()
            raise NodeError(f"cannot run {cmd[0]}: {exc}") from exc
        self.pid_path.write_text(f"{self._proc.pid}\n")
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until the node answers ``eth_chainId`` with the configured chain id."""
        if self._proc is None:
            raise NodeError("node not started")
        deadline = time.monotonic() + (timeout if timeout is not None else self.ready_timeout)
        with JsonRpcClient(self.rpc_url, timeout=2.0, connect_timeout=0.5) as rpc:
            while True:
                code = self._proc.poll()
                if code is not None:
                    self._cleanup_after_exit()
                    tail = self._log_tail()
                    hint = ""
                    if "failed to parse json file" in tail:
                        hint = (
                            f"\nthe state file {self.state_path} is corrupt (killed during a dump?);"
                            f" the copy from the last clean stop is {self.backup_path}"
                        )
                    raise NodeError(f"anvil exited with code {code} during startup:\n{tail}{hint}")
                try:
                    chain_id = int(rpc.call("eth_chainId"), 16)
                except LedgerError:
                    if time.monotonic() > deadline:
                        self.kill()
                        raise NodeError(f"anvil did not become ready in time:\n{self._log_tail()}") from None
                    time.sleep(0.02)
                    continue
                if chain_id != self.settings.chain_id:
                    self.stop()
                    raise NodeError(f"node reports chain id {chain_id}, expected {self.settings.chain_id}")
                break
        if self.started_at is not None and self.startup_seconds is None:
            self.startup_seconds = time.monotonic() - self.started_at
            logger.info("anvil ready in %.3fs (pid %s)", self.startup_seconds, self.pid)
        if self.settings.block_time <= 0 and self.automine_watch is None:
            self.automine_watch = _AutomineWatch(self.rpc_url)
            self.automine_watch.start()

    def stop(self, timeout: float | None = None) -> int | None:
        """SIGINT (anvil dumps its state and exits), wait, SIGKILL if stuck. Returns the exit code."""
        if self._proc is None:
            return None
        proc = self._proc
        self._stop_watch()  # no block mined while anvil saves its state
        if proc.poll() is None:
            logger.info("stopping anvil (pid %s)", proc.pid)
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout if timeout is not None else self.stop_timeout)
            except subprocess.TimeoutExpired:
                logger.warning("anvil (pid %s) ignored SIGINT; killing it, state since last dump is lost", proc.pid)
                proc.kill()
                proc.wait()
        code = proc.returncode
        self._cleanup_after_exit()
        if code == 0:
            self._backup_state()
        return code

    def _backup_state(self) -> None:
        # anvil rewrites state.json in place (not atomically): a crash during a dump
        # can leave it truncated, and anvil then refuses to start. After a clean
        # exit the file is complete, so keep a copy of it.
        if not self.state_path.is_file():
            return
        tmp = self.backup_path.with_suffix(".tmp")
        try:
            shutil.copyfile(self.state_path, tmp)
            os.replace(tmp, self.backup_path)
        except OSError as exc:
            logger.warning("cannot back up %s: %s", self.state_path, exc)

    def kill(self) -> None:
        """SIGKILL without saving state (crash simulation)."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._cleanup_after_exit()

    def _stop_watch(self) -> None:
        if self.automine_watch is not None:
            self.automine_watch.stop()
            self.automine_watch = None

    def _cleanup_after_exit(self) -> None:
        self._stop_watch()
        self._proc = None
        self.started_at = None
        self.startup_seconds = None
        self.pid_path.unlink(missing_ok=True)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> EmbeddedNode:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
