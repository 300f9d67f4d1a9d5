"""The explorer: a static single-page app (``api/explorer``) served at ``/explorer/``.

The page reads the public read API (``/api/v1``) from the browser; nothing here touches the store.
Only files inside the explorer directory are served, with a Content-Security-Policy that allows the
page's own scripts and styles and nothing else (no inline code, no other origin).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

__all__ = ["EXPLORER_DIR", "router"]

EXPLORER_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "explorer"

_MEDIA_TYPES: Final[dict[str, str]] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_HEADERS: Final[dict[str, str]] = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def _file(relative: str) -> FileResponse:
    path = (EXPLORER_DIR / relative).resolve()
    media_type = _MEDIA_TYPES.get(path.suffix)
    if media_type is None or not path.is_relative_to(EXPLORER_DIR) or not path.is_file():
        raise HTTPException(404, f"no explorer file {relative[:200]!r}")
    return FileResponse(path, media_type=media_type, headers=_HEADERS)


@router.get("/explorer")
def explorer_root() -> RedirectResponse:
    """The explorer lives under ``/explorer/`` (relative asset paths need the slash)."""
    return RedirectResponse("explorer/", status_code=308)


@router.get("/explorer/")
def explorer_index() -> FileResponse:
    return _file("index.html")


@router.get("/explorer/{path:path}")
def explorer_file(path: str) -> FileResponse:
    return _file(path)
