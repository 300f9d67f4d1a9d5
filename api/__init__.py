"""The ledger's HTTP API (FastAPI): read routes over the store, operations endpoints."""

from api.main import create_app

__all__ = ["create_app"]
