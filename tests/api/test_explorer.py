"""The explorer in a real browser: headless Chromium (Playwright) against a real API server.

The store is the demo index of tests/api/conftest.py (the demo scenario played on two days on an
embedded chain, indexed into SQLite; the node is gone by then: the API reads only the store), served
by uvicorn on a free port in a thread. Each test loads
a page, waits until it has rendered (``main[data-state=ready]``) and compares what it shows (stat
values, chart bars and points by their data attributes, table rows, the licence tree) with the store
and with the API. Any console error or page error fails the test. Screenshots go to the test's tmp
directory (the path is printed) and one per page to ``build/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from api.main import create_app
from ledger.cli.format import certificate_number
from ledger.contracts.types import PAUSE_CONTRACTS, Category, DisclosureKind, Paused
from ledger.decode import BlockHeader, LedgerEvent
from ledger.demo import ACTORS
from ledger.disclosure import CST, DAY, month_start
from ledger.settings import LedgerSettings
from ledger.store import StateView, Store, open_store, schema
from tests.api.conftest import Demo
from tests.conftest import free_port, service_unavailable
from tests.store.synthetic import SyntheticLedger

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
ADDRESS = {a.key: a for a in ACTORS}


@dataclass
class Site:
    """A running API server over the demo store; ``api()`` reads it as the page does."""

    url: str
    store: Store
    http: httpx.Client

    @property
    def view(self) -> StateView:
        return self.store.as_of()

    def api(self, path: str, **params: Any) -> Any:
        response = self.http.get(f"/api/v1/{path}", params=params)
        response.raise_for_status()
        return response.json()


@contextmanager
def _serving(store: Store, data_dir: Path) -> Iterator[Site]:
    """The API over ``store`` in uvicorn on a free port, in a thread of this process."""
    settings = LedgerSettings(data_dir=data_dir)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, store=store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="explorer-api", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=10) as http:
            yield Site(url, store, http)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with _serving(demo.stores["sqlite"], tmp_path_factory.mktemp("explorer-api")) as served:
        yield served


def _chromium() -> str:
    found = os.environ.get("LEDGER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        service_unavailable("no Chromium (scripts/setup --browser installs Debian's; or set LEDGER_CHROMIUM)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = _chromium()
    with sync_playwright() as p:
        launched = _launch(p, executable)
        try:
            yield launched
        finally:
            launched.close()


# Debian's Chromium on a closed network: without the background-networking flags its own connections (sync,
# component updates, QUIC probes) are refused by the thousand and slow every page. Playwright gives each launch
# a fresh temporary profile (its own --user-data-dir), so no state leaks between runs.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _launch(p: Playwright, executable: str) -> Browser:
    return p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


@dataclass
class Tab:
    """A browser page on the explorer that records console errors and uncaught exceptions."""

    page: Page
    site: Site
    shots: Path
    errors: list[str] = field(default_factory=list)

    def open(self, route: str) -> Page:
        """Loads ``/explorer/#<route>`` and waits until the page has rendered."""
        self.page.goto(f"{self.site.url}/explorer/#{route}")
        return self.wait_ready()

    def after(self, action: Callable[[], object]) -> Page:
        """Runs ``action`` (a click or choice that leads to another page) and waits until that page has rendered."""
        before = self.page.get_attribute("main#view", "data-render") or ""
        action()
        # CSS, not wait_for_function: the page's Content-Security-Policy forbids evaluating strings.
        done = ", ".join(f"main#view[data-state={s}]:not([data-render='{before}'])" for s in ("ready", "error"))
        self.page.wait_for_selector(done, timeout=15_000)
        return self.wait_ready()

    def wait_ready(self) -> Page:
        self.page.wait_for_selector("main#view[data-state=ready], main#view[data-state=error]", timeout=15_000)
        state = self.page.get_attribute("main#view", "data-state")
        assert state == "ready", f"page did not render: {self.page.inner_text('main#view')}"
        return self.page

    def screenshot(self, name: str) -> Path:
        path = self.shots / f"explorer-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / path.name)
        print(f"screenshot: {path} (copy in {SCREENSHOTS / path.name})")
        return path


@pytest.fixture
def tab(browser: Browser, site: Site, tmp_path: Path) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    opened = Tab(page, site, tmp_path)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            opened.errors.append(f"console: {message.text} ({message.location})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: opened.errors.append(f"page error: {exc}"))
    try:
        yield opened
        assert opened.errors == [], "the page logged errors"
    finally:
        context.close()


# ─────────────────────────────────────────────────────────── helpers


def _attrs(page: Page, selector: str, *names: str) -> list[dict[str, str | None]]:
    """The given attributes of every element matching ``selector``, in document order."""
    return [{n: el.get_attribute(n) for n in names} for el in page.query_selector_all(selector)]


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def _actor(key: str) -> str:
    from ledger.client import dev_account

    return str(dev_account(ADDRESS[key].index).address)


def _money(fen: int) -> str:
    whole, cents = divmod(fen, 100)
    return f"¥{whole:,}.{cents:02d}"


# ─────────────────────────────────────────────────────────── dashboard


def test_dashboard_counts_charts_and_recent_trades_match_the_store(tab: Tab, site: Site) -> None:
    page = tab.open("/")
    view = site.view
    trades = view.find_trades()
    assert len(trades) >= 14  # seven trades per demo run, one run a day

    stats = {a["data-stat"]: a["data-value"] for a in _attrs(page, "[data-stat]", "data-stat", "data-value")}
    status = site.api("status")["data"]
    assert stats["trades"] == str(len(trades)) == str(status["counts"]["trades"])
    assert stats["assets"] == str(len(view.rows("assets")))
    assert stats["participants"] == str(len(view.rows("participants")))
    assert stats["licences"] == str(len(view.rows("licences")))
    assert stats["volume"] == str(sum(t["price"] for t in trades))
    assert page.inner_text("[data-stat=volume] .value") == _money(sum(t["price"] for t in trades))

    # Volume per day: one point per day with trades, the values of the store's trades that day.
    per_day: dict[str, list[int]] = defaultdict(list)
    for t in trades:
        per_day[_day(t["timestamp"])].append(t["price"])
    points = _attrs(page, "[data-chart=volume-by-day] circle.point", "data-key", "data-value", "data-count")
    assert [p["data-key"] for p in points] == sorted(per_day)
    assert len(points) >= 2
    assert [(p["data-value"], p["data-count"]) for p in points] == [
        (str(sum(per_day[d])), str(len(per_day[d]))) for d in sorted(per_day)
    ]
    api_days = site.api("trades/aggregates", group_by="day")["data"]
    assert [p["data-key"] for p in points] == [str(r["key"]) for r in api_days]

    # Volume by category: a bar per category traded, labelled in Chinese by default.
    category_of = {a["asset_id"]: a["category"] for a in view.rows("assets")}
    per_category: Counter[int] = Counter()
    for t in trades:
        per_category[category_of[t["asset_id"]]] += t["price"]
    bars = _attrs(page, "[data-chart=volume-by-category] g.bar", "data-key", "data-label", "data-value")
    assert len(bars) == len(per_category) == 3  # the demo trades public, enterprise and personal data
    by_label = {b["data-label"]: b["data-value"] for b in bars}
    assert by_label == {
        "公共数据": str(per_category[Category.PUBLIC]),
        "企业数据": str(per_category[Category.ENTERPRISE]),
        "个人信息数据": str(per_category[Category.PERSONAL]),
    }

    # Volume by exchange: the demo's exchange by name, and the off-exchange trades.
    per_exchange: Counter[str] = Counter()
    for t in trades:
        per_exchange[t["exchange"] if t["on_exchange"] else "0x" + "0" * 40] += t["price"]
    bars = _attrs(page, "[data-chart=volume-by-exchange] g.bar", "data-key", "data-label", "data-value")
    assert {b["data-key"]: b["data-value"] for b in bars} == {k: str(v) for k, v in per_exchange.items()}
    assert {b["data-label"] for b in bars} == {"北部湾大数据交易中心", "场外"}

    # Recent trades: the ten newest, newest first, prices formatted with two decimals.
    rows = _attrs(page, "[data-table=recent-trades] tbody tr", "data-trade-id", "data-price")
    newest = sorted(trades, key=lambda t: (t["valid_from_block"], t["log_index"]), reverse=True)[:10]
    assert [r["data-trade-id"] for r in rows] == [t["trade_id"] for t in newest]
    first_price = page.inner_text("[data-table=recent-trades] tbody tr:first-child td.num")
    assert first_price == _money(newest[0]["price"])

    footer = page.get_attribute("#footer-block", "data-block-number")
    assert footer == str(site.store.checkpoint()[0])  # type: ignore[index]
    tab.screenshot("dashboard")


# ─────────────────────────────────────────────────────────── asset

_LI_ANCESTORS = (
    "el => { let n = 0; for (let p = el.parentElement; p; p = p.parentElement) n += p.tagName === 'LI'; return n; }"
)


def _public_asset(view: StateView) -> dict[str, Any]:
    """The first demo run's public asset (licensed, sublicensed, traded twice, revenue shares)."""
    public = [a for a in view.rows("assets") if a["category"] == Category.PUBLIC]
    return min(public, key=lambda a: a["asset_id"])


def test_asset_page_shows_holders_timeline_licence_tree_and_trades(tab: Tab, site: Site) -> None:
    view = site.view
    asset = _public_asset(view)
    asset_id = asset["asset_id"]
    page = tab.open(f"/asset/{asset_id}")

    assert page.get_attribute(".asset", "data-asset-id") == str(asset_id)
    assert page.title() == f"数据资产 #{asset_id} · 数据产权登记与交易账本 浏览器"
    certificate = certificate_number(asset["region"], asset["certificate_serial"])
    assert page.inner_text("[data-field=certificate]") == certificate
    holders = {
        r["data-right"]: r["data-holder"]
        for r in _attrs(page, "[data-table=holders] tbody tr", "data-right", "data-holder")
    }
    assert holders == {
        "holding": asset["holding_holder"],
        "processing": asset["processing_holder"],
        "operation": asset["operation_holder"],
    }

    # Rights timeline: the current holder of each right holds its open segment.
    segments = _attrs(page, ".timeline-svg g.segment", "data-right", "data-holder", "data-to-block")
    for right, holder in holders.items():
        open_segments = [s for s in segments if s["data-right"] == right and not s["data-to-block"]]
        assert [s["data-holder"] for s in open_segments] == [holder]

    # Licence tree: every licence of the asset once, sublicences nested under their parents.
    licences = view.find_licences(asset_id=asset_id)
    nodes = page.query_selector_all("[data-tree=licences] li[data-licence-id]")
    assert sorted(int(n.get_attribute("data-licence-id") or 0) for n in nodes) == sorted(
        lic["licence_id"] for lic in licences
    )
    for lic in licences:
        nesting = page.eval_on_selector(
            f"[data-tree=licences] li[data-licence-id='{lic['licence_id']}']",
            _LI_ANCESTORS,
        )
        assert nesting == lic["depth"]
    assert max(lic["depth"] for lic in licences) == 1  # the demo's sublicence

    trades = view.find_trades(asset_id=asset_id)
    rows = _attrs(page, "[data-table=asset-trades] tbody tr", "data-trade-key", "data-consent")
    assert sorted(r["data-trade-key"] or "" for r in rows) == sorted(t["trade_key"] for t in trades)
    assert len(trades) == 3  # two licences of the public data and a sublicence of its authorised operation
    assert {r["data-consent"] for r in rows} == {"signed"}  # each seller signed its consent
    # The licences those trades delivered are marked sold (their licensors cannot revoke them), and only they.
    sold = {n.get_attribute("data-licence-id"): n.get_attribute("data-sold") for n in nodes}
    assert sold == {str(lic["licence_id"]): str(bool(lic["sold"])).lower() for lic in licences}
    assert sorted(int(k or 0) for k, v in sold.items() if v == "true") == sorted(t["licence_id"] for t in trades)

    # Revenue shares of the processing right, and the authority's approval of the authorised operation.
    assert page.query_selector("[data-field=revenue-shares] [data-right=processing]") is not None
    operations = _attrs(page, "[data-table=public-operations] tbody tr", "data-operator", "data-status",
                        "data-licence-id")  # fmt: skip
    approved = [o for o in view.rows("public_operations") if o["asset_id"] == asset_id]
    assert (
        operations
        == [
            {"data-operator": o["operator"], "data-status": "used", "data-licence-id": str(o["licence_id"])}
            for o in approved
        ]
        and operations
    )
    assert all(n.get_attribute("data-valid") == "true" for n in nodes)
    tab.screenshot("asset")


def test_asset_page_shows_its_valuation_reports_and_accounting_recognition(tab: Tab, site: Site) -> None:
    """Art. 19's disclosure: the demo's valuation report of the enterprise dataset, usable, and the dataset's
    recognition in its holder's accounts with its amortisation; an asset never valued shows neither."""
    view = site.view
    reports = view.rows("valuations")
    asset_id = reports[0]["asset_id"]
    page = tab.open(f"/asset/{asset_id}")
    rows = _attrs(page, "[data-table=valuations] tbody tr", "data-valuation-id", "data-status", "data-usable")
    assert rows == [
        {"data-valuation-id": str(r["valuation_id"]), "data-status": "filed", "data-usable": "true"}
        for r in reports if r["asset_id"] == asset_id
    ]  # fmt: skip
    [recognition] = [r for r in view.rows("recognitions") if r["asset_id"] == asset_id]
    accounting = "[data-section=accounting]"
    assert page.inner_text(f"{accounting} [data-field=carrying-amount]") == _money(int(recognition["carrying_amount"]))
    assert page.inner_text(f"{accounting} [data-field=category]") == "无形资产"
    assert page.inner_text(f"{accounting} [data-field=valuation]") == f"#{recognition['valuation_id']}"
    assert page.query_selector(f"{accounting} [data-field=stale]") is None  # its holder holds the asset
    kinds = [r["data-kind"] for r in _attrs(page, "[data-table=recognition-history] tbody tr", "data-kind")]
    assert kinds == ["recognised", "remeasured"]
    tab.screenshot("asset-valuation")

    never = _public_asset(view)["asset_id"]
    page = tab.open(f"/asset/{never}")
    assert page.query_selector("[data-table=valuations] tbody tr.empty") is not None
    assert page.inner_text("[data-section=accounting] [data-field=accounting]") == "尚未入表"

    # The holder's page lists what its accounts carry; the appraiser's, the reports it filed.
    holder = recognition["holder"]
    page = tab.open(f"/participant/{holder}")
    carried = [r for r in view.rows("recognitions") if r["holder"] == holder and r["status"] == 1]
    rows = _attrs(page, "[data-table=recognised] tbody tr", "data-asset-id")
    assert sorted(int(r["data-asset-id"] or 0) for r in rows) == sorted(r["asset_id"] for r in carried)
    total = _money(sum(int(r["carrying_amount"]) for r in carried))
    assert page.inner_text("[data-section=recognised] [data-field=carrying-total]").endswith(total)
    appraiser = reports[0]["appraiser"]
    page = tab.open(f"/participant/{appraiser}")
    filed = _attrs(page, "[data-section=reports] [data-table=valuations] tbody tr", "data-valuation-id")
    assert [int(r["data-valuation-id"] or 0) for r in filed] == [
        r["valuation_id"] for r in reports if r["appraiser"] == appraiser
    ]
    assert page.query_selector("[data-section=recognised]") is None  # an appraiser recognises nothing


def test_asset_page_shows_objections_pending_then_accepted_and_its_mandates(tab: Tab, site: Site) -> None:
    view = site.view
    model = min(a["asset_id"] for a in view.rows("assets") if a["kind"] == 1)
    page = tab.open(f"/asset/{model}")
    objections = view.find_objections(asset_id=model)
    rows = _attrs(page, "[data-table=objections] tbody tr", "data-objection-id", "data-status")
    assert rows == [{"data-objection-id": str(o["objection_id"]), "data-status": "dismissed"} for o in objections]
    accepted = page.inner_text("[data-table=objections] tbody tr td:nth-child(5)")
    assert "广西数据产权登记中心" in accepted  # the registrar accepted it before it was decided

    personal = min(a["asset_id"] for a in view.rows("assets") if a["category"] == Category.PERSONAL)
    page = tab.open(f"/asset/{personal}")
    mandates = [m for m in site.view.rows("mandates") if m["asset_id"] == personal]
    shown = _attrs(page, "[data-table=asset-mandates] tbody tr", "data-mandate-id", "data-status")
    assert shown == [{"data-mandate-id": m["mandate_id"], "data-status": "in_force"} for m in mandates] and shown
    consents = {r["data-consent"] for r in _attrs(page, "[data-table=asset-trades] tbody tr", "data-consent")}
    assert consents == {"mandate"}
    tab.after(lambda: page.click(f"[data-table=asset-mandates] a[href*='{mandates[0]['mandate_id']}']"))
    rows = [r["data-trade-key"] for r in _attrs(page, "[data-table=trade-list] tbody tr", "data-trade-key")]
    under = mandates[0]["mandate_id"]
    assert sorted(rows) == sorted(t["trade_key"] for t in view.find_trades() if t["mandate_id"] == under)
    tab.screenshot("asset-mandates")


def test_asset_page_timeline_shows_a_transferred_right(tab: Tab, site: Site) -> None:
    view = site.view
    # The first run's enterprise dataset whose operation right the merchant bought.
    enterprise = min(
        (a for a in view.rows("assets") if a["operation_holder"] == _actor("merchant") and a["kind"] == 0),
        key=lambda a: a["asset_id"],
    )
    page = tab.open(f"/asset/{enterprise['asset_id']}")
    operation = _attrs(page, ".timeline-svg g.segment[data-right=operation]", "data-holder", "data-to-block")
    assert [s["data-holder"] for s in operation] == [_actor("logistics"), _actor("merchant")]
    assert operation[0]["data-to-block"] and not operation[1]["data-to-block"]


def test_asset_page_as_of_a_block_before_the_transfer_shows_the_earlier_holder(tab: Tab, site: Site) -> None:
    view = site.view
    enterprise = min(
        (a for a in view.rows("assets") if a["operation_holder"] == _actor("merchant") and a["kind"] == 0),
        key=lambda a: a["asset_id"],
    )
    page = tab.open(f"/asset/{enterprise['asset_id']}")
    transferred = int(page.get_attribute(".timeline-svg g.segment[data-right=operation]", "data-to-block") or 0)
    before = max(int(a["data-at"] or 0) for a in _attrs(page, "[data-table=history] a[data-at]", "data-at")
                 if int(a["data-at"] or 0) < transferred)  # fmt: skip
    tab.after(lambda: page.click(f"[data-table=history] a[data-at='{before}']"))
    assert page.get_attribute(".asset", "data-at") == str(before)
    assert page.get_attribute(".notice.as-of", "data-at") == str(before)
    assert page.get_attribute("#footer-block", "data-block-number") == str(before)
    then = site.store.as_of(before).get_asset(enterprise["asset_id"])
    holder = page.get_attribute("[data-table=holders] tr[data-right=operation]", "data-holder")
    assert holder == then["operation_holder"] == _actor("logistics")
    assert page.query_selector_all("[data-table=asset-trades] tbody tr[data-trade-id]") == []

    tab.after(lambda: page.click(".notice.as-of a"))
    assert page.get_attribute("[data-table=holders] tr[data-right=operation]", "data-holder") == _actor("merchant")
    assert page.query_selector(".notice.as-of") is None


# ─────────────────────────────────────────────────────────── participant


def test_participant_page_shows_roles_declarations_credit_assets_and_revenue(tab: Tab, site: Site) -> None:
    view = site.view
    merchant = _actor("merchant")
    page = tab.open(f"/participant/{merchant}")
    assert page.get_attribute(".participant", "data-account") == merchant
    assert "数据商" in page.inner_text("[data-field=roles]")
    record = site.http.get(f"/api/v1/participants/{merchant}").json()["data"]
    assert page.inner_text("[data-field=participant-id]") == f"#{record['participant_id']}"
    assert record["credit_code_hash"][2:6] in page.inner_text("[data-field=credit-code-hash]")
    assert page.inner_text("[data-field=signing-key]") == record["signing_key"] == merchant  # it never changed key

    declarations = view.find_declarations(merchant)
    assert len(page.query_selector_all("[data-table=declarations] tbody tr[data-seq]")) == len(declarations) == 1
    credit = view.find_credit_events(merchant)
    deltas = [r["data-delta"] for r in _attrs(page, "[data-table=credit-events] tbody tr", "data-delta")]
    assert deltas == [str(c["delta"]) for c in credit] and credit

    held = {
        a["asset_id"]
        for a in view.rows("assets")
        if merchant in (a["holding_holder"], a["processing_holder"], a["operation_holder"])
    }
    shown = {int(r["data-asset-id"] or 0) for r in _attrs(page, "[data-table=assets-held] tbody tr", "data-asset-id")}
    assert shown == held

    received = sum(p["amount"] for p in view.find_payments(payee=merchant) if not p["held"])
    assert page.inner_text("[data-field=revenue-total]") == _money(received)
    assert page.query_selector("[data-field=held-shares]") is None  # nothing held for the merchant
    tab.screenshot("participant")


def test_revenue_of_a_source_department_matches_its_payments(tab: Tab, site: Site) -> None:
    police = _actor("police")
    page = tab.open(f"/participant/{police}")
    payments = site.view.find_payments(payee=police)
    assert payments, "the demo pays revenue shares to the traffic police"
    rows = _attrs(page, "[data-table=revenue] tbody tr", "data-amount")
    assert sum(int(r["data-amount"] or 0) for r in rows) == sum(p["amount"] for p in payments)


# ─────────────────────────────────────────────────────────── search and language


def test_search_finds_an_asset_by_name_and_by_certificate_number(tab: Tab, site: Site) -> None:
    view = site.view
    models = sorted(a["asset_id"] for a in view.rows("assets") if a["kind"] == 1)
    tab.open("/")
    page = tab.page
    page.fill("#search-input", "货运需求预测")
    tab.after(lambda: page.click("#search-button"))
    assert page.get_attribute("main#view", "data-page") == "search"
    found = [int(r["data-asset-id"] or 0) for r in _attrs(page, "[data-table=search-assets] tbody tr", "data-asset-id")]
    assert sorted(found) == models
    tab.screenshot("search")

    tab.after(lambda: page.click(f"[data-table=search-assets] a[data-asset-id='{models[0]}']"))
    assert page.get_attribute(".asset", "data-asset-id") == str(models[0])

    asset = view.get_asset(models[-1])
    certificate = certificate_number(asset["region"], asset["certificate_serial"])
    tab.open(f"/search?q={certificate}")
    found = [int(r["data-asset-id"] or 0) for r in _attrs(page, "[data-table=search-assets] tbody tr", "data-asset-id")]
    assert found == [models[-1]]


def test_search_finds_a_transaction_by_hash(tab: Tab, site: Site) -> None:
    trade = site.view.find_trades()[0]
    page = tab.open(f"/search?q={trade['tx_hash']}")
    rows = _attrs(page, "[data-table=search-transactions] tbody tr", "data-tx")
    assert [r["data-tx"] for r in rows] == [trade["tx_hash"]]


def test_language_toggle_switches_labels_and_is_remembered(tab: Tab, site: Site) -> None:
    page = tab.open("/")
    assert page.inner_text("#nav-dashboard") == "总览"
    assert page.get_attribute("html", "lang") == "zh-CN"
    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text("#nav-dashboard") == "Dashboard"
    assert page.get_attribute("html", "lang") == "en"
    labels = {b["data-label"] for b in _attrs(page, "[data-chart=volume-by-category] g.bar", "data-label")}
    assert labels == {"public", "enterprise", "personal information"}
    assert "Data as of block" in page.inner_text("#footer-block")
    tab.screenshot("dashboard-en")

    page.reload()
    tab.wait_ready()
    assert page.inner_text("#nav-dashboard") == "Dashboard"
    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text("#nav-dashboard") == "总览"


def test_unknown_asset_shows_not_found(tab: Tab, site: Site) -> None:
    tab.page.goto(f"{site.url}/explorer/#/asset/999999")
    tab.page.wait_for_selector("main#view[data-state=error]")
    assert tab.page.get_attribute(".notice", "data-status") == "404"
    # The browser reports the 404 response itself as a console error; that one is expected.
    tab.errors[:] = [e for e in tab.errors if "404" not in e]


def test_search_text_with_url_and_sql_specials_is_searched_literally(tab: Tab) -> None:
    page = tab.open("/")
    text = "100% 数据_? &q=<b>"
    page.fill("#search-input", text)
    tab.after(lambda: page.click("#search-button"))
    assert page.get_attribute(".search-page", "data-results") == "0"
    assert page.input_value("#search-input") == text
    assert page.inner_text(".page-title .sub") == f"“{text}”"
    assert page.query_selector(".search-page b") is None  # shown as text, never as markup


def test_a_page_of_the_current_state_follows_newly_indexed_blocks(browser: Browser, demo: Demo, tmp_path: Path) -> None:
    """A copy of the demo store gets one more (empty) block while the dashboard is open: the page
    re-renders by itself and its footer names the new block."""
    copy = tmp_path / "following.db"
    source_path = demo.stores["sqlite"].engine.url.database
    assert source_path is not None
    with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = open_store(f"sqlite:///{copy}")
    try:
        with _serving(store, tmp_path / "api") as served:
            context = browser.new_context()
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{served.url}/explorer/?poll=200#/")
            page.wait_for_selector("main#view[data-state=ready]")
            number, block_hash = store.checkpoint()  # type: ignore[misc]
            shown = page.get_attribute("#footer-block", "data-block-number")
            assert shown == str(number)
            with store.engine.connect() as conn:
                timestamp = conn.execute(
                    sa.select(schema.blocks.c.timestamp).where(schema.blocks.c.number == number)
                ).scalar_one()
            store.apply([], [], BlockHeader(number + 1, "0x" + "ab" * 32, block_hash, timestamp + 12))
            page.wait_for_selector(f"[data-stat=indexed][data-value='{number + 1}']", timeout=10_000)
            assert page.get_attribute("main#view", "data-state") == "ready"
            assert page.get_attribute("#footer-block", "data-block-number") == str(number + 1)
            context.close()
            assert errors == []
    finally:
        store.close()


# ─────────────────────────────────────────────────────────── lists


def test_asset_list_pages_through_every_asset_with_load_more(tab: Tab, site: Site) -> None:
    everything = sorted(a["asset_id"] for a in site.view.rows("assets"))
    page = tab.open("/assets?limit=3")
    assert len(page.query_selector_all("[data-table=asset-list] tbody tr[data-asset-id]")) == 3
    while page.query_selector("#load-more"):
        shown = int(page.get_attribute(".pager .shown", "data-shown") or 0)
        page.click("#load-more")
        page.wait_for_selector(f".pager .shown:not([data-shown='{shown}'])")
    rows = [int(r["data-asset-id"] or 0) for r in _attrs(page, "[data-table=asset-list] tbody tr", "data-asset-id")]
    assert rows == everything
    assert page.get_attribute(".pager .shown", "data-shown") == str(len(everything))
    tab.screenshot("assets")


def test_asset_list_filters_by_category_from_its_select(tab: Tab, site: Site) -> None:
    personal = sorted(a["asset_id"] for a in site.view.rows("assets") if a["category"] == Category.PERSONAL)
    page = tab.open("/assets")
    tab.after(lambda: page.select_option("#filter-category", str(int(Category.PERSONAL))))
    assert "category=2" in page.url
    rows = [int(r["data-asset-id"] or 0) for r in _attrs(page, "[data-table=asset-list] tbody tr", "data-asset-id")]
    assert rows == personal and rows


def test_trade_list_shows_the_off_exchange_trades(tab: Tab, site: Site) -> None:
    off = [t["trade_id"] for t in site.view.find_trades() if not t["on_exchange"]]
    page = tab.open("/trades?on_exchange=false")
    rows = [r["data-trade-id"] for r in _attrs(page, "[data-table=trade-list] tbody tr", "data-trade-id")]
    assert rows == off and rows
    assert page.input_value("#filter-on_exchange") == "false"


def test_trade_list_by_consent_and_the_mandate_list(tab: Tab, site: Site) -> None:
    trades = site.view.find_trades()
    page = tab.open("/trades")
    tab.after(lambda: page.select_option("#filter-consent", "mandate"))
    rows = _attrs(page, "[data-table=trade-list] tbody tr", "data-trade-key", "data-consent")
    mandated = [t["trade_key"] for t in trades if t["mandate_id"] and not t["listed"]]  # not those under listings
    assert [r["data-trade-key"] for r in rows] == mandated
    assert {r["data-consent"] for r in rows} == {"mandate"}

    page = tab.open("/mandates")
    listed = _attrs(page, "[data-table=mandate-list] tbody tr", "data-mandate-id", "data-status")
    granted = sorted(site.view.rows("mandates"), key=lambda m: (m["granted_block"], m["mandate_id"]))
    assert listed == [{"data-mandate-id": m["mandate_id"], "data-status": "in_force"} for m in granted] and listed
    assert page.get_attribute("#nav-mandates", "class") == "active"
    tab.screenshot("mandates")


def test_participant_list_by_role_and_the_dashboard_links_to_it(tab: Tab, site: Site) -> None:
    holders = sorted(p["account"] for p in site.view.rows("participants") if p["roles"] & 64)  # data holder
    page = tab.open("/")
    tab.after(lambda: page.click("[data-stat=participants]"))
    assert page.get_attribute("main#view", "data-page") == "participants"
    tab.after(lambda: page.select_option("#filter-role", "data_holder"))
    rows = [r["data-account"] for r in _attrs(page, "[data-table=participant-list] tbody tr", "data-account")]
    assert sorted(rows) == holders and rows


def test_dashboard_waits_for_the_first_indexed_block_then_shows_an_empty_ledger(
    browser: Browser, tmp_path: Path
) -> None:
    """Before the indexer stored a block the API answers 503 and the page says so; once a block is
    stored (no events: an empty ledger) the page appears by itself, with zero counts and no chart points."""
    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with _serving(store, tmp_path / "api") as served:
            context = browser.new_context()
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{served.url}/explorer/?poll=200#/")
            page.wait_for_selector("main#view[data-state=error][data-status='503']")
            assert page.get_attribute(".notice", "data-status") == "503"
            store.apply([], [], BlockHeader(7, "0x" + "ab" * 32, "0x" + "cd" * 32, 1_796_000_000))
            page.wait_for_selector("main#view[data-state=ready]", timeout=10_000)
            stats = {a["data-stat"]: a["data-value"] for a in _attrs(page, "[data-stat]", "data-stat", "data-value")}
            assert {k: stats[k] for k in ("participants", "assets", "trades", "volume")} == {
                "participants": "0", "assets": "0", "trades": "0", "volume": "0"
            }  # fmt: skip
            assert page.query_selector_all("circle.point, g.bar") == []
            assert page.get_attribute("#footer-block", "data-block-number") == "7"
            context.close()
            # The browser reports each 503 answer itself; nothing else may appear.
            assert [e for e in errors if "503" not in e] == []
    finally:
        store.close()


def test_recent_trades_are_the_newest_on_a_day_of_thousands(browser: Browser, tmp_path: Path) -> None:
    """Over a page of trades on the last day: the dashboard narrows the start time until one page holds
    the newest trades, and shows exactly the store's ten newest."""
    store = open_store(f"sqlite:///{tmp_path / 'busy.db'}")
    ledger = SyntheticLedger(seed=11, participants=40, events_per_block=60)
    for _ in range(5):
        headers, events = ledger.batch(5_000)
        store.apply(headers, events, headers[-1])
    trades = store.as_of().find_trades()
    assert len(trades) > 1_000 and len({_day(t["timestamp"]) for t in trades}) == 1
    try:
        with _serving(store, tmp_path / "api") as served:
            context = browser.new_context()
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{served.url}/explorer/#/")
            page.wait_for_selector("main#view[data-state=ready]", timeout=20_000)
            rows = _attrs(page, "[data-table=recent-trades] tbody tr", "data-trade-id")
            newest = sorted(trades, key=lambda t: (t["valid_from_block"], t["log_index"]), reverse=True)[:10]
            assert [r["data-trade-id"] for r in rows] == [t["trade_id"] for t in newest]
            points = _attrs(page, "[data-chart=volume-by-day] circle.point", "data-count", "data-value")
            assert points == [{"data-count": str(len(trades)), "data-value": str(sum(t["price"] for t in trades))}]
            tab_shot = tmp_path / "explorer-busy-dashboard.png"
            page.screenshot(path=str(tab_shot), full_page=True)
            print(f"screenshot: {tab_shot}")
            context.close()
            assert errors == []
    finally:
        store.close()


def test_licence_list_of_top_level_licences_and_a_participants_licences(tab: Tab, site: Site) -> None:
    view = site.view
    top = sorted(lic["licence_id"] for lic in view.find_licences(parent_id=0))
    page = tab.open("/licences?parent_id=0")
    rows = [
        int(r["data-licence-id"] or 0) for r in _attrs(page, "[data-table=licence-list] tbody tr", "data-licence-id")
    ]
    assert rows == top and len(top) < len(view.rows("licences"))
    tab.screenshot("licences")

    provider = _actor("provider")
    page = tab.open(f"/participant/{provider}")
    held = sorted(lic["licence_id"] for lic in view.find_licences(licensee=provider))
    rows = [
        int(r["data-licence-id"] or 0) for r in _attrs(page, "[data-table=licences-held] tbody tr", "data-licence-id")
    ]
    assert sorted(rows) == held and held


def test_trade_list_of_one_party_pages_through_its_trades(tab: Tab, site: Site) -> None:
    logistics = _actor("logistics")
    theirs = [t["trade_id"] for t in site.view.find_trades(party=logistics)]
    page = tab.open(f"/trades?party={logistics}&limit=2")
    assert "柳州汽车物流有限公司" in page.inner_text(".page-title")
    while page.query_selector("#load-more"):
        shown = page.get_attribute(".pager .shown", "data-shown")
        page.click("#load-more")
        page.wait_for_selector(f".pager .shown:not([data-shown='{shown}'])")
    rows = [r["data-trade-id"] for r in _attrs(page, "[data-table=trade-list] tbody tr", "data-trade-id")]
    assert rows == theirs and len(theirs) > 2


def test_dashboard_over_postgresql_shows_what_it_shows_over_sqlite(
    tab: Tab, site: Site, demo: Demo, tmp_path: Path
) -> None:
    """The same demo indexed into PostgreSQL: counts, chart points and bars and recent trades agree."""
    if "postgresql" not in demo.stores:
        service_unavailable("PostgreSQL not reachable")

    def shown(page: Page) -> dict[str, object]:
        return {
            "stats": _attrs(page, "[data-stat]", "data-stat", "data-value"),
            "points": _attrs(page, "circle.point", "data-key", "data-value", "data-count"),
            "bars": _attrs(page, "g.bar", "data-key", "data-value", "data-count"),
            "trades": _attrs(page, "[data-table=recent-trades] tbody tr", "data-trade-id", "data-price"),
        }

    on_sqlite = shown(tab.open("/"))
    with _serving(demo.stores["postgresql"], tmp_path / "api") as served:
        tab.page.goto(f"{served.url}/explorer/#/")
        tab.wait_ready()
        on_postgresql = shown(tab.page)
    assert on_postgresql == on_sqlite
    assert on_sqlite["points"] and on_sqlite["bars"] and on_sqlite["trades"]


def test_a_recognised_asset_shows_its_origin_and_last_verification(
    browser: Browser, demo: Demo, tmp_path: Path
) -> None:
    """A copy of the demo store given a recognised-registration record (as Recognition's
    CertificateImported projects it) and a saved cross-check report with a stale verdict."""
    copy = tmp_path / "recognised.db"
    source_path = demo.stores["sqlite"].engine.url.database
    assert source_path is not None
    with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = open_store(f"sqlite:///{copy}")
    view = store.as_of()
    asset = min(view.rows("assets"), key=lambda a: a["asset_id"])
    other = max(view.rows("assets"), key=lambda a: a["asset_id"])
    head, _ = store.checkpoint()  # type: ignore[misc]
    signers = [_actor("registrar"), _actor("supervisor")]
    reason = f"holding right moved from {asset['holding_holder']} to {_actor('merchant')}"
    with store.engine.begin() as conn:
        conn.execute(sa.insert(schema.recognised_records).values(
            local_asset_id=asset["asset_id"], valid_from_block=head, valid_to_block=None, origin_chain_id=4501,
            origin_asset_id=3, origin_registry=_actor("exchange"), content_hash=asset["content_hash"],
            category=asset["category"], grade=asset["grade"], kind=asset["kind"],
            holding_holder=asset["holding_holder"], processing_holder=asset["processing_holder"],
            operation_holder=asset["operation_holder"], certificate_serial=3, origin_registered_block=40,
            origin_registered_at=1_796_000_000, certificate_digest="0x" + "12" * 32, signers=signers, linked=False,
            status=1, imported_by=_actor("registrar"), imported_block=head, imported_at=1_796_000_100,
            origin_status=2, issued_block=1_050, expires_at=1_827_536_050,
        ))  # fmt: skip
        report = conn.execute(sa.insert(schema.crosscheck_reports).values(
            origin_chain_id=4501, origin_registry=_actor("exchange"), block_number=77, block_hash="0x" + "ef" * 32,
            pinned_by_user=True, scope="assets", checked_at=1_796_000_500, counts={"stale": 1},
        ).returning(schema.crosscheck_reports.c.report_id)).scalar_one()  # fmt: skip
        conn.execute(sa.insert(schema.crosscheck_results).values(
            report_id=report, origin_asset_id=3, local_asset_id=asset["asset_id"], verdict="stale",
            details={"reasons": [reason]},
        ))  # fmt: skip
    try:
        with _serving(store, tmp_path / "api") as served:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{served.url}/explorer/#/asset/{asset['asset_id']}")
            page.wait_for_selector("main#view[data-state=ready]")
            card = page.query_selector("[data-section=recognition] .recognition")
            assert card is not None
            assert card.get_attribute("data-origin-chain-id") == "4501"
            assert card.get_attribute("data-status") == "active"
            assert page.inner_text("[data-field=origin-certificate]") == "DRL-4501-00000003"
            assert page.inner_text("[data-field=issued-block]") == "#1050"
            assert page.get_attribute(".verification", "data-verdict") == "stale"
            assert page.get_attribute(".verification", "data-report-id") == str(report)
            assert page.inner_text("[data-field=reasons]") == reason
            assert "#77" in page.inner_text("[data-field=against-block]")
            shot = tmp_path / "explorer-recognised-asset.png"
            page.screenshot(path=str(shot), full_page=True)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, SCREENSHOTS / shot.name)
            print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")

            page.goto(f"{served.url}/explorer/#/")
            page.wait_for_selector("main#view[data-state=ready] [data-section=recognition-summary]")
            stats = {a["data-stat"]: a["data-value"] for a in _attrs(page, "[data-stat]", "data-stat", "data-value")}
            assert (stats["recognised"], stats["suspended"], stats["last-report"]) == ("1", "0", str(report))

            page.goto(f"{served.url}/explorer/#/asset/{other['asset_id']}")
            page.wait_for_selector(f"main#view[data-state=ready] .asset[data-asset-id='{other['asset_id']}']")
            assert page.query_selector("[data-section=recognition]") is None
            context.close()
            assert errors == []
    finally:
        store.close()


def test_a_revoked_licence_invalidates_its_sublicence_and_refused_trades_are_listed(
    browser: Browser, demo: Demo, tmp_path: Path
) -> None:
    """A copy of the demo store where the authorised-operation licence was revoked, a batch refused a trade and the
    authority released a revoked recipient's held shares (rows as the projection writes them for LicenseRevoked,
    TradeRefused and HeldSharesReleased): the asset page marks the sublicence invalid naming the revoked licence
    above it, the refusals page shows the decoded error, the recipient's page the release and its payee."""
    from eth_abi.abi import encode
    from eth_utils.crypto import keccak

    copy = tmp_path / "revoked.db"
    source_path = demo.stores["sqlite"].engine.url.database
    assert source_path is not None
    with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = open_store(f"sqlite:///{copy}")
    view = store.as_of()
    child = min((lic for lic in view.rows("licences") if lic["parent_id"]), key=lambda lic: lic["licence_id"])
    parent = child["parent_id"]
    head, _ = store.checkpoint()  # type: ignore[misc]
    reason = keccak(text="SettlementBelowMinimum(bytes32,uint256,uint256)")[:4] + encode(
        ["bytes32", "uint256", "uint256"], [b"\x07" * 32, 900, 1000]
    )
    lic = schema.licences
    with store.engine.begin() as conn:
        conn.execute(sa.update(lic).where(lic.c.licence_id == parent, lic.c.valid_to_block.is_(None))
                     .values(revoked=True, revoked_by=_actor("authority"), revoked_block=head))  # fmt: skip
        conn.execute(sa.insert(schema.trade_refusals).values(
            tx_hash="0x" + "ab" * 32, log_index=3, valid_from_block=head, valid_to_block=None,
            trade_id="0x" + "07" * 32, exchange=_actor("exchange"), source="TradeSettlement", item_index=1,
            reason="0x" + reason.hex(), timestamp=1_796_000_000,
        ))  # fmt: skip
        conn.execute(sa.insert(schema.held_shares).values(
            account=_actor("police"), valid_from_block=head, valid_to_block=None, amount=0, total_held=39_600,
            total_claimed=0, total_released=39_600,
        ))  # fmt: skip
        conn.execute(sa.insert(schema.held_share_releases).values(
            recipient=_actor("police"), log_index=1, valid_from_block=head, valid_to_block=None,
            to=_actor("transport"), amount=39_600, by=_actor("authority"), decision_hash="0x" + "12" * 32,
            timestamp=1_796_000_000, tx_hash="0x" + "cd" * 32,
        ))  # fmt: skip
    try:
        with _serving(store, tmp_path / "api") as served:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{served.url}/explorer/#/asset/{child['asset_id']}")
            page.wait_for_selector("main#view[data-state=ready]")
            node = f"[data-tree=licences] li[data-licence-id='{child['licence_id']}']"
            assert page.get_attribute(node, "data-valid") == "false"
            assert f"上级许可 #{parent} 已撤销" in page.inner_text(f"{node} > .licence")
            assert page.get_attribute(f"[data-tree=licences] li[data-licence-id='{parent}']", "data-valid") == "false"

            page.goto(f"{served.url}/explorer/#/refusals")
            page.wait_for_selector("main#view[data-state=ready]")
            rows = _attrs(page, "[data-table=refusal-list] tbody tr", "data-trade-id", "data-error", "data-item")
            assert rows == [
                {"data-trade-id": "0x" + "07" * 32, "data-error": "SettlementBelowMinimum", "data-item": "1"}
            ]
            page.goto(f"{served.url}/explorer/#/")
            page.wait_for_selector("main#view[data-state=ready]")
            assert page.get_attribute("[data-stat=trade_refusals]", "data-value") == "1"

            page.goto(f"{served.url}/explorer/#/participant/{_actor('police')}")
            page.wait_for_selector("main#view[data-state=ready]")
            released = page.inner_text("[data-field=released-shares]")
            assert _money(39_600) in released
            assert page.query_selector(f"[data-field=released-shares] a[href*='{_actor('transport')}']") is not None
            assert page.query_selector("[data-field=held-shares]") is None  # nothing held any more
            context.close()
            assert errors == []
    finally:
        store.close()


# ─────────────────────────────────────────────────────────── governance


def test_governance_page_shows_the_councils_operations_the_safes_and_the_roles(tab: Tab, site: Site) -> None:
    operations = site.api("governance/operations", limit=1000)["data"]
    overview = site.api("governance")["data"]
    page = tab.open("/governance")
    assert page.get_attribute("#nav-governance", "class") == "active"
    assert page.inner_text("#nav-governance") == "治理"
    pending = _attrs(page, "[data-section=governance-pending] tbody tr", "data-operation-id")
    assert pending == [{"data-operation-id": None}]  # the demo's changes were all executed: the "none" row
    closed = _attrs(page, "[data-section=governance-history] tbody tr", "data-operation-id", "data-status")
    assert closed == [
        {"data-operation-id": o["operation_id"], "data-status": o["status"]} for o in reversed(operations)
    ] and {o["status"] for o in operations} == {"executed"}
    calls = page.inner_text("[data-section=governance-history] tbody")
    assert "ParticipantRegistry.admit" in calls and "TradeSettlement.setPriceBand" in calls
    safes = _attrs(page, "[data-section=governance-safes] tbody tr", "data-safe", "data-threshold")
    assert safes == [{"data-safe": s["safe"], "data-threshold": str(s["threshold"])} for s in overview["safes"]]
    assert "理事会" in page.inner_text("[data-section=governance-safes]")
    members = _attrs(page, "[data-section=governance-roles] tbody tr", "data-role-id", "data-account")
    assert members == [
        {"data-role-id": r["role_id"], "data-account": m["account"]} for r in overview["roles"] for m in r["members"]
    ]
    signed = _attrs(page, "[data-section=governance-transactions] tbody tr", "data-safe", "data-nonce")
    assert signed == [{"data-safe": x["safe"], "data-nonce": str(x["nonce"])} for x in overview["recent"]] and signed
    tab.screenshot("governance")

    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text(".governance-page h1") == "Governance: the authority's council"
    assert "Council" in page.inner_text("[data-section=governance-safes]")
    assert page.inner_text("[data-section=governance-pending] h2") == "Pending changes (0)"


def test_a_banner_names_the_paused_contracts_on_every_page_and_the_governance_page_shows_the_pauses(
    browser: Browser, demo: Demo, tmp_path: Path
) -> None:
    """A copy of the demo store where the emergency officers paused the asset registry and the settlement (a
    ContractsPaused event indexed in a new block): every page shows the banner naming both, its link leads to the
    governance page, which shows their state and the pause with its reason; once the council unpauses them (another
    block) the open page's banner goes away by itself."""
    copy = tmp_path / "paused.db"
    source_path = demo.stores["sqlite"].engine.url.database
    assert source_path is not None
    with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = open_store(f"sqlite:///{copy}")
    number, block_hash = store.checkpoint()  # type: ignore[misc]
    with store.engine.connect() as conn:
        timestamp = conn.execute(
            sa.select(schema.blocks.c.timestamp).where(schema.blocks.c.number == number)
        ).scalar_one()
    authority, reason = _actor("authority"), "0x" + "5a" * 32
    contracts = Paused.ASSET_REGISTRY | Paused.TRADE_SETTLEMENT

    def pause_event(n: int, name: str, register: int) -> tuple[BlockHeader, LedgerEvent]:
        header = BlockHeader(n, f"0x{n:064x}", block_hash if n == number + 1 else f"0x{n - 1:064x}",
                             timestamp + 12 * (n - number))  # fmt: skip
        event = LedgerEvent(n, header.hash, "0x" + "e1" * 32, 0, "AssetControls", name,
                            {"contracts": int(contracts), "paused": register, "by": authority, "reasonHash": reason})
        return header, event

    paused_at, paused = pause_event(number + 1, "ContractsPaused", int(contracts))
    store.apply([paused_at], [paused], paused_at)
    try:
        with _serving(store, tmp_path / "api") as served:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            for route in ("/", "/assets", f"/participant/{_actor('merchant')}", "/governance"):
                page.goto(f"{served.url}/explorer/?poll=200#{route}")
                page.wait_for_selector("main#view[data-state=ready]")
                page.wait_for_selector("#pause-banner:not([hidden])")
                assert page.get_attribute("#pause-banner", "data-paused") == "AssetRegistry,TradeSettlement", route
                named = _attrs(page, "#pause-banner .contract", "data-contract")
                assert [n["data-contract"] for n in named] == ["AssetRegistry", "TradeSettlement"]
            assert "数据资产登记" in page.inner_text("#pause-banner") and "交易结算" in page.inner_text("#pause-banner")
            shot = tmp_path / "explorer-paused.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")

            page.goto(f"{served.url}/explorer/?poll=200#/")
            link = page.wait_for_selector("#pause-banner:not([hidden]) #pause-banner-link")
            assert link is not None
            # polls that find the same pauses leave the banner as it is: a link rebuilt every poll can lose a click
            # (pressed on the old link, released on the new one)
            for _ in range(3):
                with page.expect_response(lambda r: r.url.endswith("/api/v1/status")):
                    pass
            assert link.evaluate("a => a.isConnected")
            page.click("#pause-banner-link")
            page.wait_for_selector("main#view[data-state=ready][data-page=governance]")
            states = _attrs(page, "[data-table=contract-pauses] tbody tr", "data-contract", "data-paused")
            assert {s["data-contract"]: s["data-paused"] for s in states} == {
                name: str(name in ("AssetRegistry", "TradeSettlement")).lower()
                for name in PAUSE_CONTRACTS.values()
            }
            history = _attrs(page, "[data-table=pause-history] tbody tr", "data-contract", "data-paused", "data-block")
            # newest first: this pause, then the demo's incident (trade settlement paused, then resumed)
            assert history[:2] == [
                {"data-contract": name, "data-paused": "true", "data-block": str(number + 1)}
                for name in ("AssetRegistry", "TradeSettlement")
            ]
            assert [(h["data-contract"], h["data-paused"]) for h in history[2:]] == [
                ("TradeSettlement", "false"), ("TradeSettlement", "true")] * ((len(history) - 2) // 2)
            assert len(history) > 2
            assert "5a5a" in page.inner_text("[data-table=pause-history]")  # the reason's hash, shortened

            unpaused_at, unpaused = pause_event(number + 2, "ContractsUnpaused", 0)
            store.apply([unpaused_at], [unpaused], unpaused_at)
            page.wait_for_selector("#pause-banner[hidden]", state="attached", timeout=10_000)
            assert page.get_attribute("#pause-banner", "data-paused") == ""
            context.close()
            assert errors == []
    finally:
        store.close()


# ─────────────────────────────────────────────────────────── information disclosure


def test_disclosures_page_shows_the_requirements_the_exchanges_calendars_and_the_disclosures(
    tab: Tab, site: Site
) -> None:
    """Art. 25 as the demo leaves it: the council requires quarterly trade statistics (30 days' grace), no other
    kind; the exchange disclosed last month's trade statistics and the quarter's fee schedule in each run (a second
    one of the same period corrects the first). The page shows what the API answers, in Chinese, then in English;
    an exchange's row leads to its page, whose card lists its disclosures."""
    requirements = site.api("disclosure-requirements")["data"]
    calendars = site.api("disclosure-calendar")["data"]
    disclosures = site.api("disclosures", limit=1000)["data"]
    exchange = _actor("exchange")
    page = tab.open("/disclosures")
    assert page.get_attribute("#nav-disclosures", "class") == "active"
    assert page.inner_text("#nav-disclosures") == "信息披露"
    assert page.inner_text(".disclosures-page h1") == "信息披露"

    shown = _attrs(page, "[data-table=disclosure-requirements] tbody tr", "data-kind", "data-months", "data-grace-days")
    assert shown == [
        {"data-kind": r["kind_name"], "data-months": str(r["months"]), "data-grace-days": str(r["grace_days"])}
        for r in requirements
    ]  # fmt: skip
    assert [(r["kind_name"], r["months"], r["grace_days"]) for r in requirements if r["months"]] == [
        ("trade_statistics", 3, 30)
    ]
    required = page.inner_text("[data-table=disclosure-requirements] tr[data-kind=trade_statistics]")
    assert "交易统计" in required and "每季度" in required and "30 天" in required
    assert "不要求" in page.inner_text("[data-table=disclosure-requirements] tr[data-kind=incident]")

    counts = _attrs(page, "[data-table=disclosure-calendars] tbody tr", "data-exchange", "data-on-time", "data-late",
                    "data-missed", "data-open", "data-flag")  # fmt: skip
    assert counts == [
        {"data-exchange": c["exchange"], "data-on-time": str(c["on_time"]), "data-late": str(c["late"]),
         "data-missed": str(c["missed"]), "data-open": str(c["open"]), "data-flag": "missed" if c["missed"] else None}
        for c in calendars
    ]  # fmt: skip
    assert [c["exchange"] for c in calendars] == [exchange]

    rows = _attrs(page, "[data-table=disclosure-list] tbody tr", "data-disclosure-id", "data-kind", "data-period",
                  "data-corrects")  # fmt: skip
    assert rows == [
        {"data-disclosure-id": str(d["disclosure_id"]), "data-kind": d["kind_name"], "data-period": d["period"],
         "data-corrects": "" if d["corrects"] is None else str(d["corrects"])}
        for d in disclosures
    ]  # fmt: skip
    assert [r["disclosure_id"] for r in site.view.rows("disclosures")] == [d["disclosure_id"] for d in disclosures]
    assert {d["kind_name"] for d in disclosures} == {"trade_statistics", "fee_schedule"}
    for d in disclosures:
        row = page.inner_text(f"[data-table=disclosure-list] tr[data-disclosure-id='{d['disclosure_id']}']")
        assert "北部湾大数据交易中心" in row and d["document_hash"][2:6] in row
        assert ("收费标准" if d["kind_name"] == "fee_schedule" else "交易统计") in row
        assert (f"更正 #{d['corrects']}" in row) == (d["corrects"] is not None)
    tab.screenshot("disclosures")

    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text("#nav-disclosures") == "Disclosures"
    assert page.inner_text(".disclosures-page h1") == "Information disclosure"
    required = page.inner_text("[data-table=disclosure-requirements] tr[data-kind=trade_statistics]")
    assert "trade statistics" in required and "quarterly" in required and "30 days" in required
    assert "not required" in page.inner_text("[data-table=disclosure-requirements] tr[data-kind=incident]")
    assert "Beibu Gulf Big Data Exchange" in page.inner_text("[data-table=disclosure-list]")
    assert page.eval_on_selector("html", "el => el.scrollWidth") == 1280  # the longer English nav still fits
    tab.screenshot("disclosures-en")
    tab.after(lambda: page.click("#lang-toggle"))

    # The exchange's row leads to its page: no quarter has ended since the requirement, its disclosures are listed.
    tab.after(lambda: page.click(f"[data-table=disclosure-calendars] a[href='#/participant/{exchange}']"))
    assert page.get_attribute(".participant", "data-account") == exchange
    card = "[data-section=disclosures]"
    assert site.api(f"exchanges/{exchange}/disclosure-calendar")["data"]["periods"] == []
    assert page.inner_text(f"{card} [data-table=disclosure-periods] tbody") == "尚无已结束的应披露期间"
    listed = _attrs(page, f"{card} [data-table=exchange-disclosures] tbody tr", "data-disclosure-id")
    assert [r["data-disclosure-id"] for r in listed] == [str(d["disclosure_id"]) for d in disclosures]


def test_disclosure_list_pages_with_load_more_filters_by_kind_and_shows_an_earlier_block(tab: Tab, site: Site) -> None:
    disclosures = site.api("disclosures", limit=1000)["data"]
    page = tab.open("/disclosures?limit=1")
    while page.query_selector("#load-more"):
        shown = page.get_attribute(".pager .shown", "data-shown")
        page.click("#load-more")
        page.wait_for_selector(f".pager .shown:not([data-shown='{shown}'])")
    rows = _attrs(page, "[data-table=disclosure-list] tbody tr", "data-disclosure-id")
    assert [r["data-disclosure-id"] for r in rows] == [str(d["disclosure_id"]) for d in disclosures]
    assert len(disclosures) > 1

    tab.after(lambda: page.select_option("#filter-kind", "3"))  # fee schedules
    assert "kind=3" in page.url
    rows = _attrs(page, "[data-table=disclosure-list] tbody tr", "data-disclosure-id")
    fees = [str(d["disclosure_id"]) for d in disclosures if d["kind_name"] == "fee_schedule"]
    assert [r["data-disclosure-id"] for r in rows] == fees and fees

    # One exchange's, as its page's "see all" asks for them: named in the title.
    exchange = _actor("exchange")
    page = tab.open(f"/disclosures?exchange={exchange}")
    assert "北部湾大数据交易中心" in page.inner_text(".disclosures-page .page-title .badge.info")
    rows = _attrs(page, "[data-table=disclosure-list] tbody tr", "data-disclosure-id")
    theirs = site.api("disclosures", exchange=exchange, limit=1000)["data"]
    assert [r["data-disclosure-id"] for r in rows] == [str(d["disclosure_id"]) for d in theirs] and theirs

    # Before the council's requirement: nothing required, nothing disclosed, and the page says which block it shows.
    [required] = [r for r in site.api("disclosure-requirements")["data"] if r["months"]]
    before = required["set_block"] - 1
    page = tab.open(f"/disclosures?at={before}")
    assert page.get_attribute(".notice.as-of", "data-at") == str(before)
    assert page.get_attribute("#footer-block", "data-block-number") == str(before)
    months = _attrs(page, "[data-table=disclosure-requirements] tbody tr", "data-months")
    assert [m["data-months"] for m in months] == ["0"] * 4
    assert page.query_selector_all("[data-table=disclosure-list] tbody tr[data-disclosure-id]") == []
    assert page.inner_text("[data-table=disclosure-list] tbody") == "尚无披露"


def test_an_exchanges_page_shows_its_disclosure_calendar_with_a_missed_period(
    browser: Browser, demo: Demo, tmp_path: Path
) -> None:
    """A copy of the demo store where time passes (two more blocks, as the projection writes DisclosureFiled): the
    exchange discloses the first quarter the requirement covers five days after it ended, and corrects it later; it
    discloses nothing for the second, which is missed once its 30 days' grace have passed. The exchange's page shows
    its calendar as the API answers it, the missed period flagged, and as of the first block, only the quarter met in
    time; the disclosures page flags the exchange."""
    copy = tmp_path / "disclosures.db"
    source_path = demo.stores["sqlite"].engine.url.database
    assert source_path is not None
    with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = open_store(f"sqlite:///{copy}")
    view = store.as_of()
    [required] = [r for r in view.rows("disclosure_requirements") if r["months"]]
    set_on = datetime.fromtimestamp(required["since"], CST)
    after = 3 * ((set_on.month - 1) // 3) + 4  # the first month of the quarter after the one it was set in
    first = (month_start(set_on.year, after), month_start(set_on.year, after + 3))
    second = (first[1], month_start(set_on.year, after + 6))
    number, block_hash = store.checkpoint()  # type: ignore[misc]
    exchange = _actor("exchange")
    filed = max(r["disclosure_id"] for r in view.rows("disclosures")) + 1

    def filing(n: int, timestamp: int, disclosure_id: int, document: str) -> tuple[BlockHeader, LedgerEvent]:
        header = BlockHeader(n, f"0x{n:064x}", block_hash if n == number + 1 else f"0x{n - 1:064x}", timestamp)
        event = LedgerEvent(n, header.hash, f"0x{disclosure_id:064x}", 0, "Disclosure", "DisclosureFiled", {
            "disclosureId": disclosure_id, "exchange": exchange, "kind": int(DisclosureKind.TRADE_STATISTICS),
            "periodStart": first[0], "periodEnd": first[1], "documentHash": "0x" + document * 32,
        })  # fmt: skip
        return header, event

    in_time = filing(number + 1, first[1] + 5 * DAY, filed, "d1")
    correction = filing(number + 2, second[1] + 31 * DAY, filed + 1, "d2")
    for header, event in (in_time, correction):
        store.apply([header], [event], header)
    try:
        with _serving(store, tmp_path / "api") as served:
            calendar = served.api(f"exchanges/{exchange}/disclosure-calendar")["data"]
            assert [(p["period_start"], p["status"], p["disclosure_id"]) for p in calendar["periods"]] == [
                (first[0], "on_time", filed), (second[0], "missed", None)
            ]  # fmt: skip
            ours = served.api("disclosures", exchange=exchange, limit=1000)["data"]
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{served.url}/explorer/#/participant/{exchange}")
            page.wait_for_selector("main#view[data-state=ready]")
            card = "[data-section=disclosures]"
            assert page.get_attribute(f"{card} [data-field=disclosure-counts]", "data-missed") == "1"
            assert "逾期未披露 1" in page.inner_text(f"{card} [data-field=disclosure-counts] .badge.bad")
            periods = _attrs(page, f"{card} [data-table=disclosure-periods] tbody tr", "data-kind", "data-period",
                             "data-status", "data-disclosure-id", "data-flag")  # fmt: skip
            assert periods == [
                {"data-kind": p["kind_name"], "data-period": p["period"], "data-status": p["status"],
                 "data-disclosure-id": "" if p["disclosure_id"] is None else str(p["disclosure_id"]),
                 "data-flag": "missed" if p["status"] == "missed" else None}
                for p in calendar["periods"]
            ]  # fmt: skip
            missed = page.inner_text(f"{card} tr[data-status=missed]")
            assert "逾期未披露" in missed and calendar["periods"][1]["period"] in missed
            assert f"#{filed}" in page.inner_text(f"{card} tr[data-status=on_time]")
            listed = _attrs(page, f"{card} [data-table=exchange-disclosures] tbody tr", "data-disclosure-id",
                            "data-corrects")  # fmt: skip
            assert listed == [
                {"data-disclosure-id": str(d["disclosure_id"]),
                 "data-corrects": "" if d["corrects"] is None else str(d["corrects"])} for d in ours
            ]  # fmt: skip
            assert listed[-1] == {"data-disclosure-id": str(filed + 1), "data-corrects": str(filed)}
            shot = tmp_path / "explorer-exchange-disclosures.png"
            page.locator(card).screenshot(path=str(shot))
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, SCREENSHOTS / shot.name)
            print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")

            # As of the first block the second quarter had not ended: one period, met in time.
            page.goto(f"{served.url}/explorer/#/participant/{exchange}?at={number + 1}")
            page.wait_for_selector(f"main#view[data-state=ready] .participant[data-at='{number + 1}']")
            then = _attrs(page, f"{card} [data-table=disclosure-periods] tbody tr", "data-status", "data-disclosure-id")
            assert then == [{"data-status": "on_time", "data-disclosure-id": str(filed)}]
            assert page.get_attribute(f"{card} [data-field=disclosure-counts]", "data-missed") == "0"

            page.goto(f"{served.url}/explorer/#/disclosures")
            page.wait_for_selector("main#view[data-state=ready] .disclosures-page")
            row = f"[data-table=disclosure-calendars] tr[data-exchange='{exchange}']"
            assert page.get_attribute(row, "data-flag") == "missed"
            assert page.inner_text(f"{row} .badge.bad") == "1"
            assert page.inner_text(".disclosures-page .page-title .badge.bad") == "1 期逾期未披露"
            corrected = page.inner_text(f"[data-table=disclosure-list] tr[data-disclosure-id='{filed + 1}']")
            assert f"更正 #{filed}" in corrected

            page.goto(f"{served.url}/explorer/#/participant/{_actor('merchant')}")
            page.wait_for_selector("main#view[data-state=ready] .participant")
            assert page.query_selector(card) is None  # only an exchange discloses
            context.close()
            assert errors == []
    finally:
        store.close()


# ─────────────────────────────────────────────────────────── data quality (art. 9)


def _report_rows(page: Page, table: str) -> list[dict[str, str | None]]:
    return _attrs(page, f"[data-table={table}] tbody tr:not(.empty)", "data-report-id", "data-status", "data-problem",
                  "data-severity", "data-past-deadline", "data-fixed-asset-id", "data-flag")  # fmt: skip


def _expected_rows(reports: list[dict[str, Any]]) -> list[dict[str, str | None]]:
    return [
        {"data-report-id": str(r["report_id"]), "data-status": r["status_name"], "data-problem": r["problem_name"],
         "data-severity": r["severity_name"], "data-past-deadline": str(r["past_deadline"]).lower(),
         "data-fixed-asset-id": "" if r["fixed_asset_id"] is None else str(r["fixed_asset_id"]),
         "data-flag": "overdue" if r["past_deadline"] else None}
        for r in reports
    ]  # fmt: skip


def test_asset_page_shows_its_quality_reports_and_links_to_the_trace_of_its_content(tab: Tab, site: Site) -> None:
    """The demo's timeliness report of the enterprise dataset, acknowledged by its holder: the asset's quality card
    shows what the API answers (reporter linked, the holder's answer), as of a block before it nothing; its trace link
    opens the content's trace: the asset, its versions, licences, trades and reports, as the API answers them."""
    reports = site.api("quality-reports", limit=1000)["data"]
    first = reports[0]
    asset_id = first["asset_id"]
    ours = [r for r in reports if r["asset_id"] == asset_id]
    page = tab.open(f"/asset/{asset_id}")
    card = "[data-section=quality]"
    assert _report_rows(page, "quality-reports") == _expected_rows(ours)
    assert page.get_attribute(f"{card} [data-field=quality-counts]", "data-reports") == str(len(ours))
    row = f"{card} tr[data-report-id='{first['report_id']}']"
    text = page.inner_text(row)
    assert "时效性" in text and "一般" in text and "已确认" in text
    assert page.get_attribute(f"{row} td:nth-child(4) a", "href") == f"#/participant/{first['reporter']}"
    assert page.get_attribute(f"{row} td:nth-child(8) a", "href") == f"#/participant/{first['holder']}"
    assert page.query_selector(f"{row} .badge.bad") is None  # answered in time
    content = first["content_hash"]
    assert page.get_attribute("#trace-link", "href") == f"#/trace/{content}"
    tab.screenshot("asset-quality")

    # The trace of the content, from the asset's card.
    page = tab.after(lambda: page.click("#trace-link"))
    trace = site.api(f"trace/{content}")["data"]
    assert page.get_attribute(".trace", "data-content-hash") == content
    asset_link = page.get_attribute("[data-section=trace-asset] [data-field=asset] a", "href")
    assert asset_link == f"#/asset/{trace['asset_id']}"
    holder = page.get_attribute("[data-section=trace-asset] [data-field=holding-holder] a", "href")
    assert holder == f"#/participant/{trace['holding_holder']}"
    versions = _attrs(page, "[data-table=trace-versions] tbody tr", "data-kind", "data-block")
    assert versions == [{"data-kind": v["kind"], "data-block": str(v["block"])} for v in trace["versions"]]
    assert versions[0]["data-kind"] == "application" and versions[1]["data-kind"] == "registration"
    licences = _attrs(page, "[data-table=trace-licences] tbody tr:not(.empty)", "data-licence-id", "data-revoked")
    assert licences == [
        {"data-licence-id": str(x["licence_id"]), "data-revoked": str(x["revoked"]).lower()} for x in trace["licences"]
    ]  # fmt: skip
    trades = _attrs(page, "[data-table=trace-trades] tbody tr:not(.empty)", "data-trade-key")
    assert trades == [{"data-trade-key": x["trade_key"]} for x in trace["trades"]]
    assert _report_rows(page, "trace-quality") == _expected_rows(trace["quality_reports"])
    assert len(trace["quality_reports"]) >= 1
    tab.screenshot("trace")

    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text("h1") == "Content trace"
    assert "timeliness" in page.inner_text(f"[data-table=trace-quality] tr[data-report-id='{first['report_id']}']")
    assert page.inner_text("[data-section=trace-quality] h2") == "Quality reports"
    tab.screenshot("trace-en")
    tab.after(lambda: page.click("#lang-toggle"))

    # As of the block before the report was filed: none, on the asset's page and in the trace.
    before = first["filed_block"] - 1
    page = tab.open(f"/asset/{asset_id}?at={before}")
    assert page.query_selector("[data-section=quality] tbody tr.empty") is not None
    assert page.get_attribute("#trace-link", "href") == f"#/trace/{content}?at={before}"
    page = tab.after(lambda: page.click("#trace-link"))
    assert page.get_attribute(".trace", "data-at") == str(before)
    assert page.query_selector("[data-table=trace-quality] tbody tr.empty") is not None

    # Searching the content hash (no transaction) offers its trace; an asset never reported shows none.
    page = tab.open(f"/search?q={content}")
    assert page.get_attribute("#search-trace-link", "href") == f"#/trace/{content}"
    never = _public_asset(site.view)["asset_id"]
    if not any(r["asset_id"] == never for r in reports):
        page = tab.open(f"/asset/{never}")
        assert page.inner_text("[data-section=quality] tbody tr.empty") == "尚无质量报告"


def test_an_overdue_report_is_flagged_and_its_holders_page_shows_the_quality_default(
    browser: Browser, demo: Demo, tmp_path: Path
) -> None:
    """A copy of the demo store where time passes: the merchant files three more reports of the enterprise dataset;
    the first is marked overdue (the holder's first quality default), the second is past its deadline unmarked, the
    third is fixed by another asset's registration. The asset's card and the trace flag the first two; the fix links
    to the corrected asset; the holder's page shows its default, the merchant's none."""
    copy = tmp_path / "quality.db"
    source_path = demo.stores["sqlite"].engine.url.database
    assert source_path is not None
    with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = open_store(f"sqlite:///{copy}")
    view = store.as_of()
    [demo_report, *_] = view.rows("quality_reports")
    asset_id, content = demo_report["asset_id"], demo_report["content_hash"]
    holder, merchant = _actor("logistics"), _actor("merchant")
    fixed_by = min(a["asset_id"] for a in view.rows("assets") if a["asset_id"] != asset_id)
    number, block_hash = store.checkpoint()  # type: ignore[misc]
    with store.engine.connect() as conn:
        now = int(conn.execute(sa.select(sa.func.max(schema.blocks.c.timestamp))).scalar_one())
    first = max(r["report_id"] for r in view.rows("quality_reports")) + 1

    def header(n: int, timestamp: int) -> BlockHeader:
        return BlockHeader(n, f"0x{n:064x}", block_hash if n == number + 1 else f"0x{n - 1:064x}", timestamp)

    def event(n: int, index: int, name: str, args: dict[str, Any]) -> LedgerEvent:
        return LedgerEvent(n, f"0x{n:064x}", f"0x{n * 100 + index:064x}", index, "DataQuality", name, args)

    def report(i: int) -> dict[str, Any]:
        return {"reportId": first + i, "assetId": asset_id, "reporter": merchant, "contentHash": content, "problem": i,
                "severity": 3 - i, "evidenceHash": f"0x{'e' * 63}{i}", "deadline": now + 100 + i}  # fmt: skip

    filed = [event(number + 1, i, "QualityReportFiled", report(i)) for i in range(3)]
    later = [
        event(number + 2, 0, "QualityReportOverdue", {"reportId": first, "holder": holder, "defaults": 1}),
        event(number + 2, 1, "QualityReportFixed", {"reportId": first + 2, "holder": holder, "fixedAssetId": fixed_by,
                                                    "documentHash": "0x" + "f1" * 32}),
    ]  # fmt: skip
    for h, events in ((header(number + 1, now + 10), filed), (header(number + 2, now + 10 * DAY), later)):
        store.apply([h], events, h)
    try:
        with _serving(store, tmp_path / "api") as served:
            reports = served.api("quality-reports", asset_id=asset_id, limit=1000)["data"]
            ids = {r["report_id"]: r for r in reports}
            assert (ids[first]["status_name"], ids[first]["past_deadline"]) == ("overdue", True)
            assert (ids[first + 1]["status_name"], ids[first + 1]["past_deadline"]) == ("filed", True)
            assert (ids[first + 2]["status_name"], ids[first + 2]["fixed_asset_id"]) == ("fixed", fixed_by)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{served.url}/explorer/#/asset/{asset_id}")
            page.wait_for_selector("main#view[data-state=ready] .asset")
            card = "[data-section=quality]"
            assert _report_rows(page, "quality-reports") == _expected_rows(reports)
            assert page.get_attribute(f"{card} [data-field=quality-counts]", "data-overdue") == "2"
            assert page.inner_text(f"{card} [data-field=quality-counts] .badge.bad") == "2 份逾期未答复"
            assert page.inner_text(f"{card} tr[data-report-id='{first}'] .badge.bad") == "逾期未答复"
            assert "逾期未答复" in page.inner_text(f"{card} tr[data-report-id='{first + 1}'] .badge.bad")
            fix = f"{card} tr[data-report-id='{first + 2}'] [data-field=fix] a"
            assert page.get_attribute(fix, "href") == f"#/asset/{fixed_by}"
            shot = tmp_path / "explorer-asset-quality-overdue.png"
            page.locator(card).screenshot(path=str(shot))
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, SCREENSHOTS / shot.name)
            print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")

            page.goto(f"{served.url}/explorer/#/trace/{content}")
            page.wait_for_selector("main#view[data-state=ready] .trace")
            assert page.inner_text(".trace .page-title .badge.bad") == "逾期未答复"
            trace = served.api(f"trace/{content}")["data"]
            assert _report_rows(page, "trace-quality") == _expected_rows(trace["quality_reports"])

            [default] = served.api("quality-defaults", holder=holder)["data"]
            page.goto(f"{served.url}/explorer/#/participant/{holder}")
            page.wait_for_selector("main#view[data-state=ready] .participant")
            flagged = "[data-section=quality-defaults] [data-field=quality-defaults]"
            assert page.get_attribute(flagged, "data-defaults") == str(default["defaults"])
            assert page.inner_text(f"{flagged} .badge.bad") == f"质量违约 {default['defaults']} 次"
            page.click("#lang-toggle")
            page.wait_for_selector("[data-section=quality-defaults] h2:text('Quality defaults')")
            assert page.inner_text(f"{flagged} .badge.bad") == f"{default['defaults']} quality defaults"
            page.click("#lang-toggle")
            page.wait_for_selector("[data-section=quality-defaults] h2:text('数据质量违约')")

            # As of the block the reports were filed, nobody had defaulted.
            page.goto(f"{served.url}/explorer/#/participant/{holder}?at={number + 1}")
            page.wait_for_selector(f"main#view[data-state=ready] .participant[data-at='{number + 1}']")
            assert page.query_selector("[data-section=quality-defaults]") is None
            page.goto(f"{served.url}/explorer/#/participant/{merchant}")
            page.wait_for_selector("main#view[data-state=ready] .participant")
            assert page.query_selector("[data-section=quality-defaults]") is None
            context.close()
            assert errors == []
    finally:
        store.close()


# ─────────────────────────────────────────────────────────── exchange listings (art. 16-17)


def _listing_rows(page: Page, table: str) -> list[dict[str, str | None]]:
    return _attrs(page, f"[data-table={table}] tbody tr:not(.empty)", "data-listing-key", "data-asset-id",
                  "data-exchange", "data-seller", "data-standing", "data-version", "data-sales")  # fmt: skip


def _expected_listings(listings: list[dict[str, Any]]) -> list[dict[str, str | None]]:
    return [
        {"data-listing-key": x["listing_key"], "data-asset-id": str(x["asset_id"]), "data-exchange": x["exchange"],
         "data-seller": x["seller"], "data-standing": x["standing"], "data-version": str(x["version"]),
         "data-sales": str(x["sales"])}
        for x in listings
    ]  # fmt: skip


def _load_everything(page: Page) -> None:
    while page.query_selector("#load-more"):
        shown = page.get_attribute(".pager .shown", "data-shown")
        page.click("#load-more")
        page.wait_for_selector(f".pager .shown:not([data-shown='{shown}'])")


def test_listings_page_shows_the_listings_of_the_exchanges_with_their_standing(tab: Tab, site: Site) -> None:
    """The demo's market: in each run the exchange lists the logistics company's enterprise dataset (processing
    licences, 20,000 to 25,000 yuan, for 30 days) and the service provider buys one under the listing. The page lists
    what the API answers, oldest first, each row linking its asset, exchange and seller; in English too."""
    listings = site.api("listings", limit=1000)["data"]
    exchange, seller = _actor("exchange"), _actor("logistics")
    assert len(listings) == 2  # one per demo run
    assert {(x["exchange"], x["seller"], x["standing"], x["sales"]) for x in listings} == {
        (exchange, seller, "on_sale", 1)
    }
    stored = sorted(site.view.rows("listings"), key=lambda r: (r["listed_block"], r["listing_key"]))
    assert [x["listing_key"] for x in listings] == [r["listing_key"] for r in stored]
    page = tab.open("/listings")
    assert page.get_attribute("#nav-listings", "class") == "active"
    assert page.inner_text("#nav-listings") == "挂牌"
    assert page.inner_text(".listings-page h1") == "挂牌数据产品"
    assert _listing_rows(page, "listing-list") == _expected_listings(listings)
    for x in listings:
        row = f"[data-table=listing-list] tr[data-listing-key='{x['listing_key']}']"
        assert page.get_attribute(f"{row} a[data-listing-key]", "href") == f"#/listing/{x['listing_key']}"
        assert page.get_attribute(f"{row} a[data-asset-id]", "href") == f"#/asset/{x['asset_id']}"
        parties = _attrs(page, f"{row} a.party", "href")
        assert parties == [{"href": f"#/participant/{exchange}"}, {"href": f"#/participant/{seller}"}]
        text = page.inner_text(row)
        assert "北部湾大数据交易中心" in text and "柳州汽车物流有限公司" in text
        assert "数据加工使用权 · 授权许可" in text and "在售" in text
        assert f"{_money(int(x['min_price']))} – {_money(int(x['max_price']))}" in text
        assert page.inner_text(f"{row} .badge") == "在售"
    assert page.get_attribute(".pager .shown", "data-shown") == str(len(listings))
    tab.screenshot("listings")

    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text("#nav-listings") == "Listings"
    assert page.inner_text(".listings-page h1") == "Exchange listings"
    row = page.inner_text(f"[data-table=listing-list] tr[data-listing-key='{listings[0]['listing_key']}']")
    assert "on sale" in row and "Beibu Gulf Big Data Exchange" in row and "Liuzhou Auto Logistics Co., Ltd." in row
    assert page.eval_on_selector("html", "el => el.scrollWidth") == 1280  # the ten entries still fit
    assert page.eval_on_selector("#search-input", "el => el.getBoundingClientRect().width") >= 100
    tab.screenshot("listings-en")
    tab.after(lambda: page.click("#lang-toggle"))

    # A row's key leads to the listing's page.
    first = listings[0]["listing_key"]
    tab.after(lambda: page.click(f"[data-table=listing-list] a[href='#/listing/{first}']"))
    assert page.get_attribute(".listing", "data-listing-key") == first
    assert page.get_attribute("#nav-listings", "class") == "active"


def test_listing_page_shows_its_terms_offer_versions_and_the_trades_settled_under_it(tab: Tab, site: Site) -> None:
    """A listing's page shows what the API answers of it: its licence template, its offer, the listing document,
    where it stands, whether the seller still holds the right, its versions and the trade under it, whose consent
    links back to it; the trade list's "listing" consent lists the trades settled under listings."""
    [x, *_] = site.api("listings", limit=1000)["data"]
    key = x["listing_key"]
    detail = site.api(f"listings/{key}")["data"]
    page = tab.open(f"/listing/{key}")
    assert page.get_attribute(".listing", "data-listing-key") == key
    assert page.get_attribute(".listing", "data-standing") == detail["standing"] == "on_sale"
    assert page.inner_text("[data-field=listing-key]") == key
    assert page.title().startswith(f"挂牌 · 资产 #{detail['asset_id']} · ")

    def field(name: str) -> str:
        return page.inner_text(f".listing [data-field={name}]")

    assert page.get_attribute("[data-field=asset] a", "href") == f"#/asset/{detail['asset_id']}"
    assert page.get_attribute("[data-field=exchange] a", "href") == f"#/participant/{detail['exchange']}"
    assert page.get_attribute("[data-field=seller] a", "href") == f"#/participant/{detail['seller']}"
    assert page.query_selector("[data-field=seller-key]") is None  # it signed with its identity's key
    assert field("delivery") == "数据加工使用权 · 授权许可"
    assert field("standing") == "在售"
    assert (field("seller-holds"), detail["seller_holds"]) == ("是", True)
    assert field("version") == str(detail["version"]) == "1"
    assert field("sales") == str(detail["sales"])
    template = detail["template"]
    assert field("purpose") == str(template["purpose"]) == "1601"
    assert field("regions") == "广西壮族自治区 450000" and template["regions"] == [450000]
    assert field("countries") == "无（不跨境）" and template["countries"] == []
    assert (field("exclusive"), field("sublicensable"), field("transferable")) == ("否", "否", "否")
    assert field("max-duration") == f"{detail['max_duration'] // DAY} 天" == "180 天"
    assert page.get_attribute("[data-field=terms-hash] span", "title") == template["terms_hash"]
    assert field("price") == f"{_money(int(detail['min_price']))} – {_money(int(detail['max_price']))}"
    assert field("min-net") == _money(int(detail["min_net"]))
    assert field("document-hash") == detail["document_hash"]
    assert page.get_attribute("[data-field=listing-id] span", "title") == detail["listing_id"]

    versions = _attrs(page, "[data-table=listing-versions] tbody tr", "data-version", "data-block", "data-min-price",
                      "data-max-price")  # fmt: skip
    assert versions == [
        {"data-version": str(v["version"]), "data-block": str(v["block"]), "data-min-price": v["min_price"],
         "data-max-price": v["max_price"]}
        for v in detail["versions"]
    ]  # fmt: skip
    assert [v["version"] for v in detail["versions"]] == [1]
    trades = _attrs(page, "[data-table=listing-trades] tbody tr", "data-trade-key", "data-consent")
    assert trades == [{"data-trade-key": t["trade_key"], "data-consent": "listing"} for t in detail["trades"]]
    assert len(trades) == detail["trade_count"] == 1
    assert page.get_attribute("[data-field=trade-count]", "data-count") == "1"
    [trade] = detail["trades"]
    assert trade["buyer"] == _actor("provider") and trade["mandate_id"] == key
    consent = "[data-table=listing-trades] a[data-listing-key]"
    assert (page.get_attribute(consent, "href"), page.inner_text(consent)) == (f"#/listing/{key}", "场内 · 挂牌")
    tab.screenshot("listing")

    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text("[data-section=listing-terms] h2") == "Licence template"
    assert page.inner_text("[data-section=listing-versions] h2") == "Versions (amendments)"
    assert field("standing") == "on sale" and field("max-duration") == "180 days"
    assert field("delivery") == "processing/usage right · licence"
    tab.screenshot("listing-en")
    tab.after(lambda: page.click("#lang-toggle"))

    # The version's block opens the listing as of that block.
    page = tab.after(lambda: page.click(f"[data-table=listing-versions] a[data-at='{detail['versions'][0]['block']}']"))
    assert page.get_attribute(".listing", "data-at") == str(detail["versions"][0]["block"])
    assert page.get_attribute(".notice.as-of", "data-at") == str(detail["versions"][0]["block"])

    # The trades settled under listings, by the trade list's consent filter; each links to its listing.
    listed = site.api("trades", consent="listing", limit=1000)["data"]
    page = tab.open("/trades")
    tab.after(lambda: page.select_option("#filter-consent", "listing"))
    assert "consent=listing" in page.url
    rows = _attrs(page, "[data-table=trade-list] tbody tr", "data-trade-key", "data-consent")
    assert rows == [{"data-trade-key": t["trade_key"], "data-consent": "listing"} for t in listed] and len(rows) == 2
    assert [t["trade_key"] for t in listed] == [t["trade_key"] for t in site.view.find_trades() if t["listed"]]
    links = _attrs(page, "[data-table=trade-list] a[data-listing-key]", "href")
    assert links == [{"href": f"#/listing/{t['mandate_id']}"} for t in listed]
    tab.after(lambda: page.click(f"[data-table=trade-list] a[href='#/listing/{key}']"))
    assert page.get_attribute(".listing", "data-listing-key") == key


def test_listing_list_filters_by_standing_pages_with_load_more_and_shows_an_earlier_block(
    tab: Tab, site: Site, demo: Demo
) -> None:
    listings = site.api("listings", limit=1000)["data"]
    keys = [x["listing_key"] for x in listings]
    page = tab.open("/listings?limit=1")
    assert page.query_selector("#load-more") is not None
    _load_everything(page)
    assert [r["data-listing-key"] for r in _listing_rows(page, "listing-list")] == keys

    # The standing select: both are on sale, none has expired.
    tab.after(lambda: page.select_option("#filter-standing", "on_sale"))
    assert "standing=on_sale" in page.url and "limit" not in page.url
    on_sale = site.api("listings", standing="on_sale", limit=1000)["data"]
    assert _listing_rows(page, "listing-list") == _expected_listings(on_sale) and len(on_sale) == 2
    tab.after(lambda: page.select_option("#filter-standing", "expired"))
    assert "standing=expired" in page.url
    assert site.api("listings", standing="expired")["data"] == []
    assert page.inner_text("[data-table=listing-list] tbody") == "尚无挂牌"
    assert page.input_value("#filter-standing") == "expired"

    # One exchange's (as its page's "see all" asks for them) and one asset's: named in the title.
    exchange = _actor("exchange")
    page = tab.open(f"/listings?exchange={exchange}")
    assert "北部湾大数据交易中心" in page.inner_text(".listings-page .page-title .badge.info")
    theirs = site.api("listings", exchange=exchange, limit=1000)["data"]
    assert _listing_rows(page, "listing-list") == _expected_listings(theirs) and theirs
    asset_id = listings[1]["asset_id"]
    page = tab.open(f"/listings?asset_id={asset_id}")
    assert page.inner_text(".listings-page .page-title .badge.info") == f"资产 #{asset_id}"
    assert _listing_rows(page, "listing-list") == _expected_listings(site.api("listings", asset_id=asset_id)["data"])
    assert [r["data-listing-key"] for r in _listing_rows(page, "listing-list")] == [keys[1]]

    # Between the demo's runs only the first was listed; before it, none. The page says which block it shows, and
    # the standing filter keeps the block.
    page = tab.open(f"/listings?at={demo.mid_block}")
    assert page.get_attribute(".notice.as-of", "data-at") == str(demo.mid_block)
    assert page.get_attribute("#footer-block", "data-block-number") == str(demo.mid_block)
    then = site.api("listings", at=str(demo.mid_block))["data"]
    assert _listing_rows(page, "listing-list") == _expected_listings(then)
    assert [x["listing_key"] for x in then] == keys[:1]
    tab.after(lambda: page.select_option("#filter-standing", "on_sale"))
    assert f"at={demo.mid_block}" in page.url
    assert [r["data-listing-key"] for r in _listing_rows(page, "listing-list")] == keys[:1]
    assert page.get_attribute(f"[data-table=listing-list] a[data-listing-key='{keys[0]}']", "href") == (
        f"#/listing/{keys[0]}?at={demo.mid_block}"
    )  # fmt: skip
    before = listings[0]["listed_block"] - 1
    page = tab.open(f"/listings?at={before}")
    assert page.query_selector_all("[data-table=listing-list] tbody tr[data-listing-key]") == []
    assert page.inner_text("[data-table=listing-list] tbody") == "尚无挂牌"


def test_an_assets_and_an_exchanges_pages_show_their_listings(tab: Tab, site: Site) -> None:
    """The listed asset's page and the exchange's and the seller's carry their listings as the API answers them;
    an asset never listed, a participant that listed nothing and the asset as of a block before its listing none."""
    listings = site.api("listings", limit=1000)["data"]
    x = listings[0]
    asset_id, exchange, seller = x["asset_id"], _actor("exchange"), _actor("logistics")
    page = tab.open(f"/asset/{asset_id}")
    card = "[data-section=asset-listings]"
    assert page.inner_text(f"{card} h2") == "挂牌"
    assert _listing_rows(page, "asset-listings") == _expected_listings(site.api("listings", asset_id=asset_id)["data"])
    assert page.get_attribute(f"{card} a[data-listing-key]", "href") == f"#/listing/{x['listing_key']}"
    assert "挂牌" in page.inner_text("[data-table=history] tr[data-event=ProductListed]")
    consent = "[data-table=asset-trades] a[data-listing-key]"
    assert page.get_attribute(consent, "href") == f"#/listing/{x['listing_key']}"
    shot = tab.shots / "explorer-asset-listings.png"
    page.locator(card).screenshot(path=str(shot))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOTS / shot.name)
    print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")

    page = tab.open(f"/asset/{asset_id}?at={x['listed_block'] - 1}")
    assert page.query_selector(card) is None
    never = _public_asset(site.view)["asset_id"]
    assert site.api("listings", asset_id=never)["data"] == []
    page = tab.open(f"/asset/{never}")
    assert page.query_selector(card) is None

    # The exchange's page: its listings (no more than fit: no "see all"); the seller's: the listings of its products.
    page = tab.open(f"/participant/{exchange}")
    card = "[data-section=exchange-listings]"
    assert page.inner_text(f"{card} h2") == "挂牌的数据产品"
    assert _listing_rows(page, "exchange-listings") == _expected_listings(listings)
    assert page.query_selector(f"{card} .more-note") is None
    assert page.query_selector("[data-section=seller-listings]") is None
    shot = tab.shots / "explorer-exchange-listings.png"
    page.locator(card).screenshot(path=str(shot))
    shutil.copyfile(shot, SCREENSHOTS / shot.name)
    print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")
    page = tab.open(f"/participant/{seller}")
    assert _listing_rows(page, "seller-listings") == _expected_listings(site.api("listings", seller=seller)["data"])
    assert page.query_selector("[data-section=exchange-listings]") is None  # not an exchange
    page = tab.open(f"/participant/{_actor('merchant')}")
    assert page.query_selector("[data-section=seller-listings]") is None
    assert page.query_selector("[data-section=exchange-listings]") is None


# ─────────────────────────────────────────────────────────── the public-data opening list (art. 10)


def _entry_rows(page: Page, table: str) -> list[dict[str, str | None]]:
    return _attrs(page, f"[data-table={table}] tbody tr:not(.empty)", "data-entry-id", "data-year", "data-department",
                  "data-status", "data-overdue", "data-opened-late", "data-asset-id", "data-evidence",
                  "data-licence-id", "data-listing-key", "data-flag")  # fmt: skip


def _expected_entries(entries: list[dict[str, Any]]) -> list[dict[str, str | None]]:
    def licence(e: dict[str, Any]) -> str:
        return str(int(e["evidence_ref"], 16)) if e["evidence"] == "licence" else ""

    return [
        {"data-entry-id": str(e["entry_id"]), "data-year": str(e["year"]), "data-department": e["department"],
         "data-status": e["status_name"], "data-overdue": str(e["overdue"]).lower(),
         "data-opened-late": str(e["opened_late"]).lower(),
         "data-asset-id": "" if e["asset_id"] is None else str(e["asset_id"]), "data-evidence": e["evidence"] or "",
         "data-licence-id": licence(e), "data-listing-key": e["evidence_ref"] if e["evidence"] == "listing" else "",
         "data-flag": "overdue" if e["overdue"] else None}
        for e in entries
    ]  # fmt: skip


_COUNTS = ("entries", "planned", "registered", "opened", "opened_late", "overdue", "withdrawn")


def _progress_rows(page: Page, selector: str) -> list[dict[str, str | None]]:
    names = ["data-department", *(f"data-{c.replace('_', '-')}" for c in _COUNTS), "data-flag"]
    return _attrs(page, selector, *names)


def _expected_progress(rows: list[dict[str, Any]], total: bool = False) -> list[dict[str, str | None]]:
    return [
        {"data-department": "total" if total else r["department"],
         **{f"data-{c.replace('_', '-')}": str(r[c]) for c in _COUNTS},
         "data-flag": "overdue" if r["overdue"] else None}
        for r in rows
    ]  # fmt: skip


def test_opening_page_shows_the_years_progress_by_department_its_lists_and_its_entries(tab: Tab, site: Site) -> None:
    """The demo's market: in each run the authority publishes next year's opening list (the same year both times),
    the transport bureau's entry registered and opened by the authorised-operation licence of its public dataset,
    the urban management bureau's planned. The page shows the latest year's progress, lists and entries as the API
    answers them, in Chinese, then in English; a department's row leads to its page."""
    entries = site.api("opening-list", limit=1000)["data"]
    year = max(e["year"] for e in entries)
    progress = site.api("opening-list/progress", year=year)["data"]
    transport, urban = _actor("transport"), _actor("urban")
    assert [(e["department"], e["status_name"], e["evidence"]) for e in entries] == [
        (transport, "opened", "licence"), (urban, "planned", None)] * 2  # fmt: skip
    assert {e["year"] for e in entries} == {year}
    page = tab.open("/opening")
    assert page.get_attribute("#nav-opening", "class") == "active"
    assert page.inner_text("#nav-opening") == "开放清单"
    assert page.inner_text(".opening-page h1") == "公共数据开放重点清单"
    assert page.get_attribute(".opening-page", "data-year") == str(year)  # the latest year with a list
    assert page.input_value("#filter-year") == str(year)
    assert page.inner_text(".opening-page .page-title .badge.info") == f"{year} 年度"

    # Progress by department, and all together in the table's foot.
    rows = _progress_rows(page, "[data-table=opening-progress] tbody tr")
    assert rows == _expected_progress(progress["departments"])
    assert {r["department"] for r in progress["departments"]} == {transport, urban}
    total = _progress_rows(page, "[data-table=opening-progress] tfoot tr")
    assert total == _expected_progress([progress["total"]], True)
    assert (progress["total"]["entries"], progress["total"]["opened"], progress["total"]["planned"]) == (4, 2, 2)
    for r in progress["departments"]:
        row = f"[data-table=opening-progress] tbody tr[data-department='{r['department']}']"
        assert page.get_attribute(f"{row} a.party", "href") == f"#/participant/{r['department']}"
        due = r["entries"] - r["withdrawn"]
        assert page.get_attribute(f"{row} .share", "data-percent") == str(round(100 * r["opened"] / due))
    assert "南宁市交通运输局" in page.inner_text("[data-table=opening-progress]")
    assert "南宁市城市管理局" in page.inner_text("[data-table=opening-progress]")
    assert page.get_attribute("[data-field=opening-counts]", "data-percent") == "50"
    assert "共 4 项，已开放 2 项" in page.inner_text("[data-field=opening-counts]")

    # The lists published for the year: one per demo run.
    lists = _attrs(page, "[data-table=opening-lists] tbody tr", "data-list-hash", "data-first-entry-id", "data-entries")
    assert lists == [
        {"data-list-hash": x["list_hash"], "data-first-entry-id": str(x["first_entry_id"]),
         "data-entries": str(x["entries"])}
        for x in progress["lists"]
    ]  # fmt: skip
    assert len(lists) == 2
    parties = _attrs(page, "[data-table=opening-lists] a.party", "href")
    assert parties == [{"href": f"#/participant/{x['published_by']}"} for x in progress["lists"]]

    # The entries: status, the linked asset and the licence that showed it open (its id decoded from 32 bytes).
    assert _entry_rows(page, "opening-entries") == _expected_entries(entries)
    for e in entries:
        row = f"[data-table=opening-entries] tr[data-entry-id='{e['entry_id']}']"
        text = page.inner_text(row)
        assert e["description_hash"][2:6] in text
        assert _day(e["target_date"]) in text
        if e["status_name"] == "opened":
            licence = int(e["evidence_ref"], 16)
            assert site.api(f"licences/{licence}")["data"]["asset_id"] == e["asset_id"]
            link = f"{row} a[data-licence-id='{licence}']"
            assert page.inner_text(link) == f"授权许可 #{licence}"
            assert page.get_attribute(link, "href") == f"#/licences?asset_id={e['asset_id']}"
            assert page.get_attribute(f"{row} a[data-asset-id]", "href") == f"#/asset/{e['asset_id']}"
            assert page.inner_text(f"{row} .badge") == "已开放" and "南宁市交通运输局" in text
        else:
            assert page.inner_text(f"{row} .badge") == "待登记" and "南宁市城市管理局" in text
            assert page.query_selector(f"{row} a[data-asset-id]") is None
    assert page.get_attribute(".pager .shown", "data-shown") == str(len(entries))
    tab.screenshot("opening")

    tab.after(lambda: page.click("#lang-toggle"))
    assert page.inner_text("#nav-opening") == "Opening list"
    assert page.inner_text(".opening-page h1") == "Public-data opening list"
    text = page.inner_text("[data-table=opening-entries]")
    assert "opened" in text and "planned" in text and "Nanning Municipal Transport Bureau" in text
    assert "Total" in page.inner_text("[data-table=opening-progress] tfoot")
    assert page.eval_on_selector("html", "el => el.scrollWidth") == 1280  # the ten entries still fit
    assert page.eval_on_selector("#search-input", "el => el.getBoundingClientRect().width") >= 100
    tab.screenshot("opening-en")
    tab.after(lambda: page.click("#lang-toggle"))

    # A department's row leads to its page.
    tab.after(lambda: page.click(f"[data-table=opening-progress] a[href='#/participant/{urban}']"))
    assert page.get_attribute(".participant", "data-account") == urban
    assert page.get_attribute("#nav-opening", "class") is None


def test_opening_entries_by_status_and_department_load_more_and_an_earlier_block(
    tab: Tab, site: Site, demo: Demo
) -> None:
    entries = site.api("opening-list", limit=1000)["data"]
    ids = [str(e["entry_id"]) for e in entries]
    page = tab.open("/opening?limit=1")
    assert page.query_selector("#load-more") is not None
    _load_everything(page)
    assert [r["data-entry-id"] for r in _entry_rows(page, "opening-entries")] == ids

    # The status select: the opened entries; none is overdue (their target dates are months ahead).
    tab.after(lambda: page.select_option("#filter-status", "opened"))
    assert "status=opened" in page.url and "limit" not in page.url
    opened = site.api("opening-list", status="opened", limit=1000)["data"]
    assert _entry_rows(page, "opening-entries") == _expected_entries(opened) and len(opened) == 2
    assert page.input_value("#filter-status") == "opened"
    tab.after(lambda: page.select_option("#filter-status", "overdue"))
    assert "status=overdue" in page.url
    assert site.api("opening-list", status="overdue")["data"] == []
    assert page.inner_text("[data-table=opening-entries] tbody") == "尚无清单事项"
    assert page.query_selector(".opening-page .page-title .badge.bad") is None
    tab.after(lambda: page.select_option("#filter-status", "planned"))
    planned = site.api("opening-list", status="planned", limit=1000)["data"]
    assert _entry_rows(page, "opening-entries") == _expected_entries(planned) and len(planned) == 2

    # One department's (as its page's link asks for them): named in the title.
    urban = _actor("urban")
    page = tab.open(f"/opening?department={urban}")
    assert "南宁市城市管理局" in page.inner_text(".opening-page .page-title .badge.info:not(:first-of-type)")
    theirs = site.api("opening-list", department=urban, limit=1000)["data"]
    assert _entry_rows(page, "opening-entries") == _expected_entries(theirs) and len(theirs) == 2

    # Between the demo's runs only the first list was published; before it, none. The page says which block it shows,
    # and the status filter keeps the block.
    page = tab.open(f"/opening?at={demo.mid_block}")
    assert page.get_attribute(".notice.as-of", "data-at") == str(demo.mid_block)
    assert page.get_attribute("#footer-block", "data-block-number") == str(demo.mid_block)
    then = site.api("opening-list", at=str(demo.mid_block), limit=1000)["data"]
    assert _entry_rows(page, "opening-entries") == _expected_entries(then) and len(then) == 2
    year = then[0]["year"]
    progress = site.api("opening-list/progress", year=year, at=str(demo.mid_block))["data"]
    assert _progress_rows(page, "[data-table=opening-progress] tbody tr") == _expected_progress(progress["departments"])
    assert len(_attrs(page, "[data-table=opening-lists] tbody tr", "data-list-hash")) == len(progress["lists"]) == 1
    tab.after(lambda: page.select_option("#filter-status", "opened"))
    assert f"at={demo.mid_block}" in page.url
    assert [r["data-entry-id"] for r in _entry_rows(page, "opening-entries")] == [ids[0]]
    before = entries[0]["published_block"] - 1
    page = tab.open(f"/opening?at={before}")
    assert page.inner_text("[data-field=no-list]") == "尚未发布公共数据开放重点清单"
    assert page.query_selector("[data-table=opening-progress]") is None
    assert page.inner_text("[data-table=opening-entries] tbody") == "尚无清单事项"


def test_a_departments_and_a_linked_assets_pages_show_their_opening_list_entries(tab: Tab, site: Site) -> None:
    """The transport bureau's page lists its entries (every year's) and links to the opening page narrowed to it;
    the asset it linked shows the entry it fulfils; a department without entries, an asset never linked and the
    asset as of a block before the list none."""
    transport = _actor("transport")
    entries = site.api("opening-list", limit=1000)["data"]
    theirs = site.api("opening-list", department=transport, limit=1000)["data"]
    page = tab.open(f"/participant/{transport}")
    card = "[data-section=opening-entries]"
    assert page.inner_text(f"{card} h2") == "公共数据开放重点清单事项"
    assert _entry_rows(page, "department-opening") == _expected_entries(theirs) and len(theirs) == 2
    assert page.query_selector(f"{card} .more-note a:not(#department-opening-link)") is None
    shot = tab.shots / "explorer-department-opening.png"
    page.locator(card).screenshot(path=str(shot))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOTS / shot.name)
    print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")
    tab.after(lambda: page.click("#department-opening-link"))
    assert page.url.endswith(f"#/opening?department={transport}")
    assert _entry_rows(page, "opening-entries") == _expected_entries(theirs)
    assert page.get_attribute("#nav-opening", "class") == "active"
    page = tab.open(f"/participant/{_actor('police')}")
    assert site.api("opening-list", department=_actor("police"))["data"] == []
    assert page.query_selector(card) is None

    # The linked asset: the entry it fulfils, opened by the licence.
    [entry] = [e for e in entries if e["asset_id"] == entries[0]["asset_id"]]
    page = tab.open(f"/asset/{entry['asset_id']}")
    card = "[data-section=asset-opening]"
    assert page.inner_text(f"{card} h2") == "公共数据开放重点清单"
    assert _entry_rows(page, "asset-opening") == _expected_entries([entry])
    assert page.get_attribute(f"{card} a.party", "href") == f"#/participant/{transport}"
    assert "已开放" in page.inner_text(f"{card} tr[data-entry-id='{entry['entry_id']}']")
    history = site.api(f"assets/{entry['asset_id']}/history", limit=1000)["data"]["events"]
    linked_events = [e["name"] for e in history if e["name"].startswith("Opening")]
    shown = [r["data-event"] for r in _attrs(page, "[data-table=history] tr[data-event^=Opening]", "data-event")]
    assert shown == linked_events
    assert linked_events == ["OpeningEntryRegistered", "OpeningEntryOpened"]
    assert "关联开放清单事项" in page.inner_text("[data-table=history] tr[data-event=OpeningEntryRegistered]")
    assert "开放清单事项已开放" in page.inner_text("[data-table=history] tr[data-event=OpeningEntryOpened]")
    shot = tab.shots / "explorer-asset-opening.png"
    page.locator(card).screenshot(path=str(shot))
    shutil.copyfile(shot, SCREENSHOTS / shot.name)
    print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")
    page = tab.open(f"/asset/{entry['asset_id']}?at={entry['published_block'] - 1}")
    assert page.query_selector(card) is None
    linked = {e["asset_id"] for e in entries}
    never = [a["asset_id"] for a in site.view.rows("assets") if a["asset_id"] not in linked]
    page = tab.open(f"/asset/{never[0]}")
    assert page.query_selector(card) is None


def test_an_overdue_opening_list_entry_is_flagged_a_withdrawn_one_counted_and_the_latest_year_shown_first(
    browser: Browser, demo: Demo, tmp_path: Path
) -> None:
    """A copy of the demo store where time passes (two more blocks, as the projection writes the events): the
    authority withdraws the urban bureau's second entry and publishes the next year's list (one entry, the transport
    bureau's); a year later the urban bureau's first entry, still planned, is past its target date. The page shows
    the latest year first; the earlier year's progress, entries and the status filter flag the overdue entry as the
    API answers them, and as of the first block it is not overdue yet."""
    copy = tmp_path / "opening.db"
    source_path = demo.stores["sqlite"].engine.url.database
    assert source_path is not None
    with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    store = open_store(f"sqlite:///{copy}")
    view = store.as_of()
    entries = sorted(view.rows("opening_entries"), key=lambda e: e["entry_id"])
    year = entries[0]["year"]
    urban, transport, authority = _actor("urban"), _actor("transport"), _actor("authority")
    [late, withdrawn] = [e["entry_id"] for e in entries if e["department"] == urban]
    target = max(e["target_date"] for e in entries)
    number, block_hash = store.checkpoint()  # type: ignore[misc]
    with sqlite3.connect(copy) as db:
        [(head_time,)] = db.execute("SELECT max(timestamp) FROM blocks").fetchall()
    first_time = int(head_time) + DAY
    next_id = entries[-1]["entry_id"] + 1

    def header(n: int, timestamp: int) -> BlockHeader:
        return BlockHeader(n, f"0x{n:064x}", block_hash if n == number + 1 else f"0x{n - 1:064x}", timestamp)

    def event(n: int, log: int, name: str, args: dict[str, Any]) -> LedgerEvent:
        return LedgerEvent(n, f"0x{n:064x}", f"0x{n:062x}{log:02x}", log, "OpeningList", name, args)

    one = header(number + 1, first_time)
    events = [
        event(one.number, 0, "OpeningEntryWithdrawn", {"entryId": withdrawn, "reasonHash": "0x" + "ab" * 32,
                                                       "by": authority}),
        event(one.number, 1, "OpeningListPublished", {"year": year + 1, "listHash": "0x" + "cd" * 32,
                                                      "firstEntryId": next_id, "count": 1, "by": authority}),
        event(one.number, 2, "OpeningEntryPublished", {"entryId": next_id, "year": year + 1, "department": transport,
                                                       "descriptionHash": "0x" + "ef" * 32,
                                                       "targetDate": target + 400 * DAY}),
    ]  # fmt: skip
    store.apply([one], events, one)
    two = header(number + 2, target + DAY)
    store.apply([two], [], two)
    try:
        with _serving(store, tmp_path / "api") as served:
            listed = served.api("opening-list", year=year, limit=1000)["data"]
            assert [(e["entry_id"], e["status_name"], e["overdue"]) for e in listed if e["department"] == urban] == [
                (late, "planned", True), (withdrawn, "withdrawn", False)]  # fmt: skip
            progress = served.api("opening-list/progress", year=year)["data"]
            assert (progress["total"]["overdue"], progress["total"]["withdrawn"]) == (1, 1)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            def show(route: str, selector: str = ".opening-page") -> None:
                page.goto(f"{served.url}/explorer/#{route}")
                page.wait_for_selector(f"main#view[data-state=ready] {selector}")

            # The latest year first: the next year's list, its one entry planned in time.
            show("/opening")
            assert page.get_attribute(".opening-page", "data-year") == str(year + 1)
            assert [o["value"] for o in _attrs(page, "#filter-year option", "value")] == [str(year + 1), str(year)]
            assert [r["data-entry-id"] for r in _entry_rows(page, "opening-entries")] == [str(next_id)]

            # The earlier year, chosen from the select: the overdue entry flagged, the withdrawn one counted.
            before = page.get_attribute("main#view", "data-render")
            page.select_option("#filter-year", str(year))
            page.wait_for_selector(f"main#view[data-state=ready]:not([data-render='{before}']) .opening-page")
            assert f"year={year}" in page.url
            assert _entry_rows(page, "opening-entries") == _expected_entries(listed)
            row = f"[data-table=opening-entries] tr[data-entry-id='{late}']"
            assert page.get_attribute(row, "data-flag") == "overdue"
            assert page.inner_text(f"{row} .badge.bad") == "逾期"
            assert page.inner_text(f"[data-table=opening-entries] tr[data-entry-id='{withdrawn}'] .badge") == "已撤回"
            assert _progress_rows(page, "[data-table=opening-progress] tbody tr") == _expected_progress(
                progress["departments"])  # fmt: skip
            assert _progress_rows(page, "[data-table=opening-progress] tfoot tr") == _expected_progress(
                [progress["total"]], True)  # fmt: skip
            flagged = f"[data-table=opening-progress] tbody tr[data-department='{urban}']"
            assert page.get_attribute(flagged, "data-flag") == "overdue"
            assert page.inner_text(f"{flagged} .badge.bad") == "1"
            assert page.get_attribute(f"{flagged} .share", "data-percent") == "0"  # one due, the withdrawn left out
            assert page.inner_text(".opening-page .page-title .badge.bad") == "1 项逾期未开放"
            shot = tmp_path / "explorer-opening-overdue.png"
            page.screenshot(path=str(shot), full_page=True)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(shot, SCREENSHOTS / shot.name)
            print(f"screenshot: {shot} (copy in {SCREENSHOTS / shot.name})")

            # The status filter: the overdue entries are those the API answers.
            show(f"/opening?year={year}&status=overdue")
            overdue = served.api("opening-list", year=year, status="overdue")["data"]
            assert _entry_rows(page, "opening-entries") == _expected_entries(overdue)
            assert [e["entry_id"] for e in overdue] == [late]

            # As of the first block its target date had not passed: not overdue, the withdrawal already counted.
            show(f"/opening?year={year}&at={one.number}")
            then = served.api("opening-list", year=year, at=str(one.number), limit=1000)["data"]
            assert _entry_rows(page, "opening-entries") == _expected_entries(then)
            assert page.get_attribute(f"[data-table=opening-entries] tr[data-entry-id='{late}']", "data-overdue") == (
                "false")  # fmt: skip
            assert page.query_selector(".opening-page .page-title .badge.bad") is None

            # The urban bureau's page: its entries, the overdue one flagged.
            show(f"/participant/{urban}", ".participant")
            theirs = served.api("opening-list", department=urban, limit=1000)["data"]
            assert _entry_rows(page, "department-opening") == _expected_entries(theirs)
            assert page.get_attribute(f"[data-table=department-opening] tr[data-entry-id='{late}']", "data-flag") == (
                "overdue")  # fmt: skip
            context.close()
            assert errors == []
    finally:
        store.close()

