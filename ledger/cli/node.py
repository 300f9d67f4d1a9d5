"""``ledger node start|stop|status``: the embedded anvil chain.

The URL it publishes (``node_host:node_port``) is the node's door (:mod:`ledger.chain.door`): every raw
transaction that any client sends there is journalled before anvil, which listens on a loopback port of
its own (``data_dir/node/anvil.url``), sees it; a restarted anvil gets every journalled transaction it
lost back. ``LEDGER_NODE_DOOR=false`` publishes anvil itself instead.

``start`` runs the node in the foreground until Ctrl-C (or SIGTERM/SIGHUP), then stops it cleanly
so its state is saved. ``start --detach`` runs that same foreground command as a background
process in its own session, waits until the node answers, and returns; the background process
writes ``data_dir/node/ledger-node.pid`` once the node is ready and removes it when it stops.
``stop`` signals that process (or, if it died, the orphaned anvil) and waits for a clean exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, Final

import typer

from ledger.chain import EmbeddedNode, node_dir, require_distinct_chain_id
from ledger.chain.door import JournalingDoor
from ledger.chain.rpc import JsonRpcClient
from ledger.cli._session import JsonOption, emit, fail, progress
from ledger.client.journal import Journal
from ledger.client.recovery import compact, recover
from ledger.errors import LedgerError, RpcTransportError
from ledger.settings import LedgerSettings

__all__ = ["app", "door_journal_path", "node_state", "supervisor_pid_path"]

app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Run the embedded chain (anvil) in the background or foreground."
)

_READY_TIMEOUT: Final[float] = 60.0
_STOP_TIMEOUT: Final[float] = 30.0
_EXIT_NOT_RUNNING: Final[int] = 3  # LSB convention for "program is not running"


def supervisor_pid_path(settings: LedgerSettings) -> Path:
    return node_dir(settings) / "ledger-node.pid"


def _log_path(settings: LedgerSettings) -> Path:
    return node_dir(settings) / "ledger-node.log"


def _alive(pid: int) -> bool:
    """True if ``pid`` runs (reaps it first if it is our own exited child; zombies count as dead)."""
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


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def _read_pid(path: Path, marker: bytes) -> int | None:
    """The pid in ``path`` if that process is alive and (where /proc exists) its command line has ``marker``."""
    try:
        pid = int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if pid <= 0 or not _alive(pid):
        return None
    cmdline = _cmdline(pid)
    if cmdline is not None and marker not in cmdline:
        return None
    return pid


@dataclass(frozen=True, slots=True)
class NodeState:
    running: bool
    rpc_url: str
    supervisor_pid: int | None
    anvil_pid: int | None
    chain_id: int | None = None
    block: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "rpc_url": self.rpc_url,
            "supervisor_pid": self.supervisor_pid,
            "anvil_pid": self.anvil_pid,
            "chain_id": self.chain_id,
            "block": self.block,
        }


def door_journal_path(settings: LedgerSettings) -> Path:
    return node_dir(settings) / "door-journal.jsonl"


def _anvil_url_path(settings: LedgerSettings) -> Path:
    return node_dir(settings) / "anvil.url"


def node_state(settings: LedgerSettings) -> NodeState:
    """What runs for ``settings``' data directory, and whether the node answers (through its door, else
    anvil's own URL: an orphaned anvil whose supervisor, and so door, died)."""
    node = EmbeddedNode(settings)
    supervisor = _read_pid(supervisor_pid_path(settings), b"ledger")
    anvil = _read_pid(node.pid_path, b"anvil")
    chain_id = block = None
    urls = [node.rpc_url]
    with contextlib.suppress(OSError):
        urls.append(_anvil_url_path(settings).read_text().strip())
    if supervisor is not None or anvil is not None:
        for url in urls:
            try:
                with JsonRpcClient(url, timeout=2.0, connect_timeout=1.0) as rpc:
                    chain_id_hex, block_hex = rpc.batch([("eth_chainId", None), ("eth_blockNumber", None)])
                    chain_id, block = int(chain_id_hex, 16), int(block_hex, 16)
                    break
            except RpcTransportError as exc:
                if exc.status == 503:  # the door is up and closed: anvil is restarting or replaying the journal
                    break
            except LedgerError:
                continue
    return NodeState(
        running=chain_id is not None, rpc_url=node.rpc_url, supervisor_pid=supervisor, anvil_pid=anvil,
        chain_id=chain_id, block=block,
    )  # fmt: skip


def _require_embedded(settings: LedgerSettings) -> None:
    if not settings.embedded:
        raise fail(f"LEDGER_RPC_URL is set ({settings.rpc_url}): the embedded node is not used")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _child_error(path: Path, offset: int) -> str:
    """The background process's own error line (what it wrote after ``offset``), else the log's tail."""
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    errors = [line.removeprefix("error: ") for line in text.splitlines() if line.startswith("error: ")]
    return errors[-1] if errors else " | ".join(text.strip().splitlines()[-5:])


_COMPACT_EVERY = 60.0


def _journal(settings: LedgerSettings) -> Journal | None:
    path = settings.data_dir / "journal.jsonl"
    return Journal(path) if path.exists() else None


def _replay_journal(settings: LedgerSettings, node: EmbeddedNode, door: Journal | None = None) -> None:
    """Re-sends journalled transactions that the node lost (killed between two state saves): the door's
    journal (every client's writes), then the Python client's own."""
    if door is not None:
        with node.client(timeout=30) as rpc:
            report = recover(rpc, door)
        if report.resent or report.conflicts:
            progress("door " + report.summary())
        # A refused entry can never be mined (its nonce is taken, or the node finds it invalid): it would
        # otherwise be re-sent, and refused, after every restart.
        door.drop(report.conflicts)
    journal = _journal(settings)
    if journal is None:
        return
    try:
        with node.client(timeout=30) as rpc:
            report = recover(rpc, journal)
    finally:
        journal.close()
    if report.resent or report.conflicts:
        progress(report.summary())


def _compact_journal(settings: LedgerSettings, node: EmbeddedNode, door: Journal | None = None) -> None:
    """Drops journal entries mined long enough ago that the node has saved them."""
    older_than = max(60.0, 10.0 * settings.state_interval)
    if door is not None:
        try:
            with node.client(timeout=30) as rpc:
                compact(rpc, door, older_than=older_than)
        except LedgerError as exc:
            progress(f"door journal compaction skipped: {exc}")
    journal = _journal(settings)
    if journal is None:
        return
    try:
        with node.client(timeout=30) as rpc:
            compact(rpc, journal, older_than=older_than)
    except LedgerError as exc:
        progress(f"journal compaction skipped: {exc}")
    finally:
        journal.close()


def _loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _open_door(settings: LedgerSettings) -> tuple[EmbeddedNode, JournalingDoor | None, Journal | None]:
    """anvil on a loopback port of its own behind the journaling door on the published address."""
    if not settings.node_door:
        return EmbeddedNode(settings), None, None
    EmbeddedNode(settings)._check_port()  # the published address: same one-line refusal as without a door
    inner = settings.model_copy(update={"node_host": "127.0.0.1", "node_port": _loopback_port()})
    node = EmbeddedNode(inner)
    node_dir(settings).mkdir(parents=True, exist_ok=True)
    journal = Journal(door_journal_path(settings))
    try:
        door = JournalingDoor(settings.node_host, settings.node_port, node.rpc_url, journal)
    except OSError as exc:
        journal.close()
        raise fail(f"cannot listen on {settings.node_host}:{settings.node_port}: {exc}; set LEDGER_NODE_PORT") from None
    _anvil_url_path(settings).write_text(node.rpc_url + "\n")
    return node, door, journal


def _run_foreground(settings: LedgerSettings) -> None:
    node, door, door_journal = _open_door(settings)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    pid_path = supervisor_pid_path(settings)
    published = EmbeddedNode(settings).rpc_url
    try:
        node.start()
        _replay_journal(settings, node, door_journal)
        if door is not None:
            door.start()
        pid_path.write_text(f"{os.getpid()}\n")
        progress(f"embedded node running at {published} (anvil pid {node.pid}); Ctrl-C stops it")
        typer.echo(published)
        last_compaction = time.monotonic()
        while not stop.wait(0.2):
            if not node.is_running:
                # Blocks since the last state save died with it; the journals bring their transactions back.
                if door is not None:
                    door.available.clear()
                progress(f"anvil exited unexpectedly; restarting it:\n{_tail(node.log_path)}")
                node.start()
                _replay_journal(settings, node, door_journal)
                if door is not None:
                    door.available.set()
            if time.monotonic() - last_compaction > _COMPACT_EVERY:
                _compact_journal(settings, node, door_journal)
                last_compaction = time.monotonic()
        progress("stopping the embedded node (saving state)")
        code = node.stop()
        if code not in (0, None):
            raise fail(f"anvil exited with code {code} while stopping; see {node.log_path}")
        progress(f"stopped; state saved in {node.state_path}")
    finally:
        if door is not None:
            door.stop()
        if door_journal is not None:
            door_journal.close()
        if node.is_running:
            node.stop()
        if _read_pid(pid_path, b"ledger") in (None, os.getpid()):
            pid_path.unlink(missing_ok=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _start_detached(settings: LedgerSettings) -> NodeState:
    directory = node_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    log_path = _log_path(settings)
    with open(log_path, "ab") as log:
        offset = log.tell()
        log.write(f"\n==== {time.strftime('%Y-%m-%dT%H:%M:%S%z')} ledger node start (detached)\n".encode())
        log.flush()
        proc = subprocess.Popen(
            [sys.executable, "-m", "ledger.cli", "node", "start"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives this shell and its Ctrl-C
        )
    deadline = time.monotonic() + _READY_TIMEOUT
    pid_path = supervisor_pid_path(settings)
    while True:
        code = proc.poll()
        if code is not None:
            raise fail(
                f"the background node exited with code {code}: {_child_error(log_path, offset)} (log {log_path})"
            )
        if _read_pid(pid_path, b"ledger") == proc.pid:
            state = node_state(settings)
            if state.running:
                return state
        if time.monotonic() > deadline:
            proc.terminate()
            raise fail(
                f"the background node did not become ready in {_READY_TIMEOUT:.0f}s: "
                f"{_child_error(log_path, offset)} (log {log_path})"
            )
        time.sleep(0.1)


def _state_lines(state: NodeState, settings: LedgerSettings) -> list[str]:
    if not state.running:
        return [f"not running ({state.rpc_url}, data {node_dir(settings)})"]
    pids = f"pid {state.supervisor_pid}" if state.supervisor_pid else "no supervisor"
    return [
        f"running at {state.rpc_url}: chain {state.chain_id}, block {state.block} ({pids}, anvil {state.anvil_pid})",
        f"data {node_dir(settings)}; stop with `ledger node stop`",
    ]


@app.command()
def start(
    detach: Annotated[
        bool, typer.Option("--detach", "-d", help="Run in the background and return once the node answers.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Start the embedded node (state in DATA_DIR/node). Prints the RPC URL.

    With --detach an already running node is reused.
    """
    settings = LedgerSettings()
    _require_embedded(settings)
    require_distinct_chain_id(settings.chain_id, settings.recognised_chain_ids, where="embedded node")
    state = node_state(settings)
    if state.supervisor_pid is not None or state.anvil_pid is not None:
        if not detach:
            pid = state.supervisor_pid or state.anvil_pid
            raise fail(f"the embedded node for {node_dir(settings)} already runs (pid {pid}); `ledger node stop` first")
        if not state.running:
            raise fail(
                f"the embedded node (pid {state.supervisor_pid or state.anvil_pid}) does not answer at "
                f"{state.rpc_url}; `ledger node stop` and start again"
            )
        progress(f"embedded node already running (pid {state.supervisor_pid or state.anvil_pid}); reusing it")
        emit(state.to_json(), state.rpc_url, as_json)
        return
    if not detach:
        _run_foreground(settings)
        return
    state = _start_detached(settings)
    progress(f"embedded node started in the background (pid {state.supervisor_pid}); log {_log_path(settings)}")
    emit(state.to_json(), state.rpc_url, as_json)


def _wait_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@app.command()
def stop() -> None:
    """Stop the embedded node cleanly (anvil saves its state); nothing to do if it is not running."""
    settings = LedgerSettings()
    _require_embedded(settings)
    node = EmbeddedNode(settings)
    supervisor = _read_pid(supervisor_pid_path(settings), b"ledger")
    anvil = _read_pid(node.pid_path, b"anvil")
    if supervisor is not None:
        os.kill(supervisor, signal.SIGTERM)
        if not _wait_exit(supervisor, _STOP_TIMEOUT):
            raise fail(f"the node process {supervisor} did not stop within {_STOP_TIMEOUT:.0f}s")
    elif anvil is not None:
        # The supervising process died; anvil (own session) survived it. SIGINT: anvil saves and exits.
        os.kill(anvil, signal.SIGINT)
        if not _wait_exit(anvil, _STOP_TIMEOUT):
            raise fail(f"anvil ({anvil}) did not stop within {_STOP_TIMEOUT:.0f}s")
        node.pid_path.unlink(missing_ok=True)
    else:
        progress(f"the embedded node for {node_dir(settings)} is not running")
        return
    supervisor_pid_path(settings).unlink(missing_ok=True)
    progress(f"embedded node stopped; state in {node.state_path}")


@app.command()
def status(as_json: JsonOption = False) -> None:
    """Whether the embedded node runs and answers. Exit status 3 if it does not."""
    settings = LedgerSettings()
    _require_embedded(settings)
    state = node_state(settings)
    emit(state.to_json(), _state_lines(state, settings), as_json)
    if not state.running:
        raise typer.Exit(_EXIT_NOT_RUNNING)
