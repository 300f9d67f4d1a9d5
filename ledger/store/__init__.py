"""The indexer's store: blocks, every decoded event, and the ledger state with its history.

:func:`open_store` opens (and migrates) a SQLite or PostgreSQL database; :class:`Store` applies
batches of decoded events in one transaction each, rolls back reorganised blocks, and answers
point-in-time queries through :meth:`Store.as_of`.
"""

from ledger.store._engine import StoreConfigError, normalize_database_url
from ledger.store._store import Store, StoreConsistencyError, StoreDatabaseError, StoreUnavailableError, open_store
from ledger.store._views import RecordNotFound, StateView
from ledger.store.projection import ProjectionError

__all__ = [
    "ProjectionError",
    "RecordNotFound",
    "StateView",
    "Store",
    "StoreConfigError",
    "StoreConsistencyError",
    "StoreDatabaseError",
    "StoreUnavailableError",
    "normalize_database_url",
    "open_store",
]
