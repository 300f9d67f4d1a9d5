"""Raw ``eth_getLogs`` entries -> :class:`~ledger.decode.records.LedgerEvent` (pure, no I/O)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from eth_abi.exceptions import DecodingError

from ledger._gc import gc_paused
from ledger.contracts.codec import AbiEvent, ContractCodec
from ledger.decode._abi import AbiDecodeError, UnsupportedType, compile_event
from ledger.decode.records import LedgerEvent, MalformedAnswerError

__all__ = ["CodecsByAddress", "EventDecoder", "decode_logs", "jsonable"]

logger = logging.getLogger(__name__)

CodecsByAddress = Mapping[str, tuple[str, ContractCodec]]
"""Contract address (any case) -> (contract name, codec of its ABI)."""

_HASH_LEN: Final[int] = 66


def jsonable(value: Any) -> Any:
    """``ContractCodec`` output made JSON-able the way :class:`LedgerEvent` args are (bytes -> 0x hex)."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _event_maker() -> Callable[[int, str, str, int, str, str, dict[str, Any]], LedgerEvent]:
    """``LedgerEvent(...)`` with its slots set directly: the frozen dataclass's ``__init__`` goes through
    ``object.__setattr__`` field by field, several times slower, once per log."""
    names = ("block_number", "block_hash", "tx_hash", "log_index", "contract", "name", "args")
    if tuple(f.name for f in dataclasses.fields(LedgerEvent)) != names:  # pragma: no cover - kept in step
        return LedgerEvent
    slot = LedgerEvent.__dict__
    sb, sh, st, sl, sc, sn, sa = (slot[n].__set__ for n in names)
    new = object.__new__

    def make(
        block_number: int, block_hash: str, tx_hash: str, log_index: int, contract: str, name: str,
        args: dict[str, Any],
    ) -> LedgerEvent:  # fmt: skip
        ev = new(LedgerEvent)
        sb(ev, block_number)
        sh(ev, block_hash)
        st(ev, tx_hash)
        sl(ev, log_index)
        sc(ev, contract)
        sn(ev, name)
        sa(ev, args)
        return ev

    return make


_new_event: Final = _event_maker()


@dataclass(frozen=True, slots=True)
class _CompiledEvent:
    contract: str
    name: str
    topic_count: int
    decode: Callable[[Sequence[str], bytes], dict[str, Any]]


def _compile_event(contract: str, event: AbiEvent) -> _CompiledEvent:
    """Specialised decoder of one event; falls back to ``eth_abi`` for types the fast path lacks."""
    by_name = {p["name"]: p for p in (*event.indexed, *event.data)}
    try:
        if len(by_name) != len(event.order):
            raise UnsupportedType(f"{event.signature}: unnamed or repeated parameter names")
        decode = compile_event([by_name[name] for name in event.order])
    except UnsupportedType:
        logger.debug("event %s.%s: generic eth_abi decoding", contract, event.signature)

        def decode(topics: Sequence[str], data: bytes) -> dict[str, Any]:
            try:
                return {k: jsonable(v) for k, v in event.decode([bytes.fromhex(t[2:]) for t in topics], data).items()}
            except (DecodingError, ValueError) as exc:
                raise AbiDecodeError(str(exc)) from exc

    return _CompiledEvent(contract, event.name, 1 + len(event.indexed), decode)


class EventDecoder:
    """Decodes the logs of a set of contracts; build once (it compiles every event), call many times."""

    def __init__(self, codecs_by_address: CodecsByAddress) -> None:
        # address (lowercase hex) -> topic0 (lowercase hex) -> compiled event
        self._events: dict[str, dict[str, _CompiledEvent]] = {}
        self.addresses: dict[str, str] = {}
        for address, (contract, codec) in codecs_by_address.items():
            key = address.lower()
            self.addresses[key] = contract
            self._events[key] = {
                "0x" + event.topic0.hex(): _compile_event(contract, event) for event in codec.events_by_topic.values()
            }
        self.unknown = 0  # logs of our contracts whose topic0 is not in their ABI (skipped)

    @classmethod
    def for_contracts(
        cls, addresses: Mapping[str, str], abis: Mapping[str, Iterable[Mapping[str, Any]]]
    ) -> EventDecoder:
        """From contract name -> address and contract name -> ABI (e.g. a deployment and its build)."""
        return cls({addr: (name, ContractCodec(abis[name])) for name, addr in addresses.items()})

    def decode(self, raw_logs: Iterable[Mapping[str, Any]]) -> list[LedgerEvent]:
        """One event per log, in the given order; unknown events of our contracts are skipped (counted in
        :attr:`unknown`).

        Raises :class:`MalformedAnswerError` for a log that is not a well-formed ``eth_getLogs`` entry of
        one of the contracts, or whose data does not decode against its event.
        """
        with gc_paused():  # a container or two a log, all kept: the cyclic collector would only rescan them
            return self._decode(raw_logs)

    def _decode(self, raw_logs: Iterable[Mapping[str, Any]]) -> list[LedgerEvent]:
        events = self._events
        out: list[LedgerEvent] = []
        append = out.append
        for log in raw_logs:
            try:
                by_topic = events.get(log["address"].lower())
                if by_topic is None:
                    raise ValueError("the log is not from one of the indexed contracts")
                topics = log["topics"]
                topic0 = topics[0]
                compiled = by_topic.get(topic0) or by_topic.get(topic0.lower())
                if compiled is None:
                    if len(topic0) != _HASH_LEN:
                        raise ValueError(f"topic0 is not a 32-byte word: {topic0!r:.80}")
                    self.unknown += 1
                    continue
                if len(topics) != compiled.topic_count:
                    raise ValueError(f"{compiled.name}: expected {compiled.topic_count} topics, got {len(topics)}")
                if log.get("removed"):
                    raise ValueError("a removed log in a range query")
                data = log["data"]
                if data[:2] != "0x":
                    raise ValueError(f"data is not 0x hex: {data!r:.80}")
                block_hash = log["blockHash"]
                tx_hash = log["transactionHash"]
                if len(block_hash) != _HASH_LEN or len(tx_hash) != _HASH_LEN:
                    raise ValueError(f"malformed hashes {block_hash!r:.80} / {tx_hash!r:.80}")
                append(
                    _new_event(
                        int(log["blockNumber"], 16),
                        block_hash.lower(),
                        tx_hash.lower(),
                        int(log["logIndex"], 16),
                        compiled.contract,
                        compiled.name,
                        compiled.decode(topics, bytes.fromhex(data[2:])),
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                raise MalformedAnswerError(
                    f"eth_getLogs: malformed log ({exc}): {log!r:.300}", method="eth_getLogs"
                ) from None
        return out


_MAX_CACHED: Final[int] = 16
# (address, name, id(codec)) triples -> (the codecs, kept alive so their ids stay theirs; the decoder)
_cache: dict[tuple[tuple[str, str, int], ...], tuple[tuple[ContractCodec, ...], EventDecoder]] = {}


def decode_logs(raw_logs: Iterable[Mapping[str, Any]], codecs_by_address: CodecsByAddress) -> list[LedgerEvent]:
    """Decodes ``eth_getLogs`` entries of the contracts in ``codecs_by_address`` (see :meth:`EventDecoder.decode`).

    The compiled decoders are cached per set of codecs, so calling this per batch costs no more than
    holding an :class:`EventDecoder`.
    """
    ident = tuple(sorted((a.lower(), name, id(codec)) for a, (name, codec) in codecs_by_address.items()))
    entry = _cache.get(ident)
    if entry is None:
        if len(_cache) >= _MAX_CACHED:
            _cache.clear()
        entry = _cache[ident] = (tuple(c for _, c in codecs_by_address.values()), EventDecoder(codecs_by_address))
    return entry[1].decode(raw_logs)
