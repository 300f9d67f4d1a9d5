"""The auditors' tools: replay the event history into a fresh store and compare it with the contracts'
own state and with the live index; trace one asset's history; export a self-checking bundle of the
events and the state at a block, and verify one offline or against a node.

Stages: :mod:`~ledger.audit.sources` (events from the chain or a store), :mod:`~ledger.audit.replay`
(the store's projection into a fresh store, with a running hash per block),
:mod:`~ledger.audit.compare_index` and :mod:`~ledger.audit.compare_chain` (the comparisons),
:mod:`~ledger.audit.auditor` (the whole replay audit), :mod:`~ledger.audit.history` and
:mod:`~ledger.audit.bundle`.
"""

from __future__ import annotations

from ledger.audit._canonical import GENESIS, HashChain, canonical_json, event_encoding
from ledger.audit.auditor import At, abis_of, audit_replay, parse_at, resolve_target
from ledger.audit.bundle import BUNDLE_FORMAT, BundleCheck, export_bundle, verify_bundle
from ledger.audit.compare_chain import ChainVerifier, ViewCheck, build_checks
from ledger.audit.compare_index import IndexComparison, compare_events, compare_states, first_difference
from ledger.audit.errors import AuditError, BundleError, TargetBlockError
from ledger.audit.history import HistoryStep, asset_history
from ledger.audit.replay import Replay, Tracker, count_records, replay_into
from ledger.audit.report import CheckStatus, Difference, ReplayReport
from ledger.audit.sources import Batch, ChainSource, IndexSource

__all__ = [
    "BUNDLE_FORMAT",
    "GENESIS",
    "At",
    "AuditError",
    "Batch",
    "BundleCheck",
    "BundleError",
    "ChainSource",
    "ChainVerifier",
    "CheckStatus",
    "Difference",
    "HashChain",
    "HistoryStep",
    "IndexComparison",
    "IndexSource",
    "Replay",
    "ReplayReport",
    "TargetBlockError",
    "Tracker",
    "ViewCheck",
    "abis_of",
    "asset_history",
    "audit_replay",
    "build_checks",
    "canonical_json",
    "compare_events",
    "compare_states",
    "count_records",
    "event_encoding",
    "export_bundle",
    "first_difference",
    "parse_at",
    "replay_into",
    "resolve_target",
    "verify_bundle",
]
