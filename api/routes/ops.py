"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel, Field

from api import metrics
from api.deps import StoreDep
from ledger.store import schema as s

__all__ = ["router"]

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str = Field(description="Always `ok` while the process serves requests.", examples=["ok"])


class Readiness(BaseModel):
    status: str = Field(description="`ready`, or `unavailable` (with a 503).", examples=["ready"])
    indexed_block: int | None = Field(description="The store's checkpoint block, null when nothing is indexed.")
    reason: str | None = Field(default=None, description="Why the API is not ready.")


@router.get("/health", response_model=Health, summary="Liveness: the process answers.")
def health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    response_model=Readiness,
    summary="Readiness: the store answers and holds at least one indexed block.",
    responses={503: {"model": Readiness, "description": "Store unreachable or not indexed yet."}},
)
def ready(store: StoreDep) -> Response:
    try:
        with store.engine.connect() as conn:
            number = conn.execute(sa.select(s.checkpoint.c.block_number).limit(1)).scalar_one_or_none()
    except sa.exc.SQLAlchemyError as exc:
        body = Readiness(status="unavailable", indexed_block=None, reason=f"store unreachable: {type(exc).__name__}")
        return JSONResponse(body.model_dump(), status_code=503)
    if number is None:
        body = Readiness(status="unavailable", indexed_block=None, reason="nothing indexed yet")
        return JSONResponse(body.model_dump(), status_code=503)
    return JSONResponse(Readiness(status="ready", indexed_block=int(number)).model_dump())


@router.get(
    "/metrics",
    summary="Prometheus metrics: indexer lag, request latency by route, transactions by outcome.",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format."}},
)
def prometheus_metrics(request: Request) -> Response:
    return Response(metrics.render(request.app.state.metrics_registry), media_type=CONTENT_TYPE_LATEST)
