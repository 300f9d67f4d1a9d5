"""Decoding (pure, no I/O): raw ``eth_getLogs`` entries and block headers into typed records.

``decode_logs(raw_logs, codecs_by_address)`` (or an :class:`EventDecoder` held across batches) turns
the logs of the ledger's contracts into :class:`LedgerEvent` records with JSON-able arguments;
:meth:`BlockHeader.from_rpc` parses a block. Malformed input raises :class:`MalformedAnswerError`
(retryable: it came from a node).
"""

from __future__ import annotations

from ledger.decode.logs import CodecsByAddress, EventDecoder, decode_logs, jsonable
from ledger.decode.records import BlockHeader, LedgerEvent, MalformedAnswerError, RawBlock, RawLog

__all__ = [
    "BlockHeader",
    "CodecsByAddress",
    "EventDecoder",
    "LedgerEvent",
    "MalformedAnswerError",
    "RawBlock",
    "RawLog",
    "decode_logs",
    "jsonable",
]
