"""``ledger serve``: the HTTP API (read routes, write gateway, explorer) over the indexer's store."""

from __future__ import annotations

import logging
from typing import Annotated, Any

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
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help=(
                "Worker processes sharing the port (uvicorn's supervisor restarts one that dies). Each is a"
                " stateless replica: answers, ETags, rate limits and API-key usage are the same whichever"
                " serves a request."
            ),
        ),
    ] = 1,
) -> None:
    """Serve the query API, write gateway and explorer until interrupted (Ctrl-C, SIGTERM).

    Reads the store of LEDGER_DATABASE_URL (default: ledger.db in the data directory; run
    `ledger index --follow` alongside to keep it current). The explorer is at /explorer/, the
    OpenAPI description at /docs and /openapi.json, operations at /health, /ready and /metrics.
    Several `ledger serve` processes (here or on other machines) may serve one PostgreSQL store
    behind a load balancer whose health check is /ready (see ./scripts/run --replicas).
    """
    # Imported here: the web stack is not needed by the other commands.
    import uvicorn

    from api import create_app
    from api.main import settle_gc

    settings = LedgerSettings()
    updates: dict[str, object] = {}
    if host is not None:
        updates["api_host"] = host
    if port is not None:
        updates["api_port"] = port
    if updates:
        settings = settings.model_copy(update=updates)
    url = f"http://{settings.api_host}:{settings.api_port}"
    level = logging.getLogger().getEffectiveLevel()
    options: dict[str, Any] = {
        "host": settings.api_host,
        "port": settings.api_port,
        "log_level": "info" if level <= logging.INFO else "warning",
        "access_log": access_log,
        "log_config": None,
    }
    if workers > 1:
        # Each worker builds the app from the environment's settings (LEDGER_*), as this process did.
        progress(f"serving the ledger API on {url} with {workers} worker processes (explorer {url}/explorer/)")
        uvicorn.run("api.main:app_factory", factory=True, workers=workers, **options)
        return
    app = create_app(settings)
    settle_gc()
    progress(f"serving the ledger API on {url} (explorer {url}/explorer/, OpenAPI {url}/docs)")
    uvicorn.run(app, **options)
