"""``ledger serve``: the HTTP API (read routes, write gateway, explorer) over the indexer's store."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from ledger.cli._session import progress
from ledger.settings import LedgerSettings

__all__ = ["serve"]


def serve(
    host: Annotated[str | None, typer.Option("--host", help="Listen address (default LEDGER_API_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=1, max=65535, help="Listen port (default LEDGER_API_PORT).")
    ] = None,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request on stderr.")] = False,
) -> None:
    """Serve the query API, write gateway and explorer until interrupted (Ctrl-C, SIGTERM).

    Reads the store of LEDGER_DATABASE_URL (default: ledger.db in the data directory; run
    `ledger index --follow` alongside to keep it current). The explorer is at /explorer/, the
    OpenAPI description at /docs and /openapi.json, operations at /health, /ready and /metrics.
    """
    # Imported here: the web stack is not needed by the other commands.
    import uvicorn

    from ledger.api import create_app
    from ledger.api.main import settle_gc

    settings = LedgerSettings()
    updates: dict[str, object] = {}
    if host is not None:
        updates["api_host"] = host
    if port is not None:
        updates["api_port"] = port
    if updates:
        settings = settings.model_copy(update=updates)
    app = create_app(settings)
    settle_gc()
    url = f"http://{settings.api_host}:{settings.api_port}"
    progress(f"serving the ledger API on {url} (explorer {url}/explorer/, OpenAPI {url}/docs)")
    level = logging.getLogger().getEffectiveLevel()
    uvicorn.run(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_level="info" if level <= logging.INFO else "warning",
        access_log=access_log,
        log_config=None,
    )
