"""The explorer's files as the API serves them: the page, its modules, headers, nothing outside its folder."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.explorer_functions import render as render_functions
from api.main import create_app
from api.routes.explorer import EXPLORER_DIR
from ledger.settings import LedgerSettings
from ledger.store import open_store
from ledger.toolchain import compile_contracts


@pytest.fixture(scope="module")
def static_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("explorer-static")
    store = open_store(f"sqlite:///{tmp / 'empty.db'}")
    try:
        with TestClient(create_app(LedgerSettings(data_dir=tmp), store=store)) as http:
            yield http
    finally:
        store.close()


def test_explorer_root_redirects_to_the_folder(static_client: TestClient) -> None:
    response = static_client.get("/explorer", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "explorer/"


def test_index_is_served_with_a_strict_content_security_policy(static_client: TestClient) -> None:
    response = static_client.get("/explorer/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert '<script type="module" src="app.js">' in response.text


def test_every_module_the_page_imports_is_served_as_javascript(static_client: TestClient) -> None:
    """Follows the import graph from app.js: every module exists and has a JavaScript media type."""
    pending, seen = ["app.js"], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        response = static_client.get(f"/explorer/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == "text/javascript; charset=utf-8"
        for target in re.findall(r'^import .* from "(\.{1,2}/[^"]+)";$', response.text, flags=re.MULTILINE):
            pending.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), target)))
    on_disk = {str(p.relative_to(EXPLORER_DIR)) for p in EXPLORER_DIR.rglob("*.js")}
    assert seen == on_disk


def test_the_stylesheet_is_served_as_css(static_client: TestClient) -> None:
    response = static_client.get("/explorer/style.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize(
    "path", ["../main.py", "%2e%2e/main.py", "..%2fmain.py", "pages/../../main.py", "missing.js", "README", "pages"]
)
def test_nothing_outside_the_explorer_files_is_served(static_client: TestClient, path: str) -> None:
    assert static_client.get(f"/explorer/{path}").status_code == 404


def test_the_page_writes_no_markup_from_data() -> None:
    """Text goes in with textContent or text nodes: no innerHTML, outerHTML, insertAdjacentHTML or document.write."""
    for path in EXPLORER_DIR.rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{path.name} uses {sink}"


def test_the_explorer_is_not_part_of_the_api_schema(static_client: TestClient) -> None:
    paths = static_client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/explorer")]


def test_the_function_names_are_those_of_the_compiled_contracts() -> None:
    """functions.js names the selectors of the contracts as they compile now: rerun
    scripts/gen_explorer_functions.py after changing a contract's functions."""
    generated = render_functions(compile_contracts())
    assert (EXPLORER_DIR / "functions.js").read_text(encoding="utf-8") == generated
    assert '"0xcaa903b6": "ParticipantRegistry.admit"' in generated  # admit(address,uint16,uint24,string,bytes32)
    assert '"0xf801a698": "AccessManager.schedule"' in generated
