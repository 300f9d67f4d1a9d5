// The explorer: hash routes (#/, #/assets, #/licences, #/trades, #/mandates, #/refusals, #/participants,
// #/governance, #/disclosures, #/listings, #/listing/0x… (a listing key), #/opening (the public-data opening list), #/asset/5, #/participant/0x…, #/trace/0x… (a content hash), #/search?q=…), header,
// footer, the banner naming the paused contracts, and following the indexer.

import { beginPage, get, getAll, onBlock } from "./api.js";
import { h, replace } from "./dom.js";
import { formatTime } from "./format.js";
import { initLang, lang, onLangChange, setLang, t } from "./i18n.js";
import { renderAsset } from "./pages/asset.js";
import { renderDashboard } from "./pages/dashboard.js";
import { renderDisclosures } from "./pages/disclosures.js";
import { renderGovernance } from "./pages/governance.js";
import { renderListing, renderListings } from "./pages/listings.js";
import { renderOpening } from "./pages/opening.js";
import { renderAssetList, renderLicenceList, renderMandateList, renderParticipantList, renderRefusalList, renderTradeList } from "./pages/lists.js";
import { renderParticipant } from "./pages/participant.js";
import { renderTrace } from "./pages/quality.js";
import { renderSearch } from "./pages/search.js";
import { contractLabel, errorBox, rememberParticipants, rememberRecognised } from "./ui.js";

const ROUTES = [
  { name: "dashboard", pattern: /^\/?$/, render: () => renderDashboard(), live: true },
  { name: "assets", pattern: /^\/assets$/, render: (_m, query) => renderAssetList(query) },
  { name: "trades", pattern: /^\/trades$/, render: (_m, query) => renderTradeList(query) },
  { name: "licences", pattern: /^\/licences$/, render: (_m, query) => renderLicenceList(query) },
  { name: "participants", pattern: /^\/participants$/, render: (_m, query) => renderParticipantList(query) },
  { name: "mandates", pattern: /^\/mandates$/, render: (_m, query) => renderMandateList(query) },
  { name: "refusals", pattern: /^\/refusals$/, render: (_m, query) => renderRefusalList(query) },
  { name: "governance", pattern: /^\/governance$/, render: () => renderGovernance(), live: true },
  // Not live, like the lists: a refresh would drop the disclosures loaded with "load more".
  { name: "disclosures", pattern: /^\/disclosures$/, render: (_m, query) => renderDisclosures(query, atOf(query)) },
  // Likewise the listings; a listing's page follows the indexer (its standing, versions and sales change).
  { name: "listings", pattern: /^\/listings$/, render: (_m, query) => renderListings(query, atOf(query)) },
  {
    name: "listing",
    pattern: /^\/listing\/(0x[0-9a-fA-F]{64})$/,
    render: (m, query) => renderListing(m[1], atOf(query)),
    live: true,
  },
  // Not live either: the entries loaded with "load more" would be dropped.
  { name: "opening", pattern: /^\/opening$/, render: (_m, query) => renderOpening(query, atOf(query)) },
  { name: "asset", pattern: /^\/asset\/(\d+)$/, render: (m, query) => renderAsset(m[1], atOf(query)), live: true },
  {
    name: "participant",
    pattern: /^\/participant\/(0x[0-9a-fA-F]{40})$/,
    render: (m, query) => renderParticipant(m[1], atOf(query)),
    live: true,
  },
  {
    name: "trace",
    pattern: /^\/trace\/(0x[0-9a-fA-F]{64})$/,
    render: (m, query) => renderTrace(m[1], atOf(query)),
    live: true,
  },
  { name: "search", pattern: /^\/search$/, render: (_m, query) => renderSearch(query.get("q") || "") },
];

/** How often a page of the current state looks for newer data: ?poll=MS in the page's URL (at least 100). */
const POLL_MS = Math.max(100, Number(new URLSearchParams(location.search).get("poll")) || 5000);
let renderCount = 0;
let shownBlock = null;

/** ?at= of a route: a block number (state as of that block), else null (the current state). */
function atOf(query) {
  const at = query.get("at");
  return at && /^\d{1,18}$/.test(at) ? at : null;
}
let lookupsLoaded = null;

/** The route in the hash: its path and its query (decoded once, by URLSearchParams). */
function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const mark = raw.indexOf("?");
  const rawPath = mark < 0 ? raw : raw.slice(0, mark);
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  return { path, query: new URLSearchParams(mark < 0 ? "" : raw.slice(mark + 1)) };
}

/**
 * Lookups shared by the pages, loaded once (again after new blocks): participant names for links (the
 * first 1,000) and which assets are recognised registrations. A failure only leaves them out.
 */
function loadLookups() {
  if (!lookupsLoaded) {
    lookupsLoaded = Promise.all([
      getAll("participants", {}, 1000, { track: false }).then(rememberParticipants),
      getAll("recognition/records", {}, 5000, { track: false }).then(rememberRecognised),
    ]).catch(() => undefined);
  }
  return lookupsLoaded;
}

/**
 * Renders the page of the hash. quiet: a refresh of the page on show (newer data): no loading state,
 * the header and the scroll position stay.
 */
async function route(quiet = false) {
  const view = document.getElementById("view");
  const mine = ++renderCount;
  const { path, query } = parseHash();
  const found = ROUTES.map((r) => [r, r.pattern.exec(path)]).find(([, m]) => m);
  if (!quiet) {
    view.dataset.state = "loading";
    beginPage();
    replace(view, h("p", { class: "muted loading" }, t("common.loading")));
    renderHeader(found ? found[0].name : "", query.get("q") || "");
    refreshPauseBanner(); // beside the page, not before it: the page does not wait for it
  }
  let content;
  let state = "ready";
  let status = "";
  if (!found) {
    view.dataset.page = "not-found";
    content = errorBox({ status: 404, message: path });
    state = "error";
  } else {
    view.dataset.page = found[0].name;
    try {
      await loadLookups();
      content = await found[0].render(found[1], query);
    } catch (error) {
      content = errorBox(error);
      state = "error";
      status = error && error.status ? String(error.status) : "";
    }
  }
  if (mine !== renderCount) return; // a newer navigation superseded this one
  if (quiet && state !== "ready") return; // keep what is shown; the next poll tries again
  replace(view, content);
  view.dataset.state = state;
  view.dataset.status = status;
  view.dataset.render = String(mine); // tests wait for a newer render after an action
  const heading = view.querySelector("h1");
  document.title = `${heading ? `${heading.textContent} · ` : ""}${t("app.title")} ${t("app.subtitle")}`;
  if (!quiet) window.scrollTo(0, 0);
}

/**
 * The banner under the header while any contract is paused now (whatever block the page shows): it names them
 * and links to the governance page, which lists who paused them and why. Hidden when none is.
 */
function renderPauseBanner(status) {
  const banner = document.getElementById("pause-banner");
  const paused = (status && status.data && status.data.paused_contracts) || [];
  // Unchanged pauses leave the banner's nodes alone: a link rebuilt on every poll loses a click pressed on the old
  // link and released on the new one.
  const shown = `${lang()}:${paused.join(",")}`;
  if (banner.dataset.shown === shown) return;
  banner.dataset.shown = shown;
  banner.dataset.paused = paused.join(",");
  banner.hidden = paused.length === 0;
  if (paused.length === 0) {
    replace(banner);
    return;
  }
  const separator = lang() === "zh" ? "、" : ", ";
  const names = paused.map((name, i) => [
    i ? separator : "",
    h("span", { class: "contract", dataset: { contract: name } }, contractLabel(name)),
  ]);
  replace(banner, t("pause.banner"), " ", names, h("a", { href: "#/governance", id: "pause-banner-link" }, t("pause.details")));
}

/** Asks /status for the paused contracts and shows them; a failure leaves the banner as it was. */
async function refreshPauseBanner() {
  try {
    const status = await get("status", {}, { track: false });
    renderPauseBanner(status);
    return status;
  } catch {
    return null;
  }
}

/**
 * Follows the indexer: while a page of the current state is shown, asks /status every POLL_MS and
 * re-renders the page quietly when a newer block has been indexed. Historical views (?at=) stay, and
 * so do lists and search results (a refresh would drop the pages loaded with "load more"). The pause
 * banner follows the same answers, on every page.
 */
async function poll() {
  try {
    const view = document.getElementById("view");
    const { path, query } = parseHash();
    const live = ROUTES.some((r) => r.live && r.pattern.test(path));
    const waiting = view.dataset.state === "error" && view.dataset.status === "503"; // nothing indexed yet
    if (!document.hidden && waiting) {
      lookupsLoaded = null;
      await route(true);
    } else if (!document.hidden) {
      const status = await refreshPauseBanner();
      const current = live && view.dataset.state === "ready" && !query.get("at") && shownBlock;
      if (status && current && status.block.number > shownBlock.number && view.dataset.state === "ready") {
        lookupsLoaded = null; // newly admitted participants get their names
        await route(true);
      }
    }
  } catch {
    // the API may be restarting: the next poll tries again
  }
  setTimeout(poll, POLL_MS);
}

function renderHeader(active, q) {
  const input = h("input", {
    type: "search", name: "q", id: "search-input", value: q, placeholder: t("search.placeholder"),
    "aria-label": t("search.title"), autocomplete: "off",
  });
  const form = h(
    "form",
    {
      class: "search", role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        const text = input.value.trim();
        location.hash = `#/search?q=${encodeURIComponent(text)}`;
      },
    },
    input,
    h("button", { type: "submit", id: "search-button" }, t("search.button")),
  );
  replace(
    document.getElementById("top"),
    h(
      "div",
      { class: "top-inner" },
      h("a", { class: "brand", href: "#/" }, h("span", { class: "brand-title" }, t("app.title")), h("span", { class: "brand-sub" }, t("app.subtitle"))),
      h(
        "nav",
        {},
        [
          ["dashboard", "#/", "nav.dashboard"],
          ["assets", "#/assets", "nav.assets"],
          ["licences", "#/licences", "nav.licences"],
          ["trades", "#/trades", "nav.trades"],
          ["mandates", "#/mandates", "nav.mandates"],
          ["participants", "#/participants", "nav.participants"],
          ["governance", "#/governance", "nav.governance"],
          ["disclosures", "#/disclosures", "nav.disclosures"],
          ["listings", "#/listings", "nav.listings"],
          ["opening", "#/opening", "nav.opening"],
        ].map(([name, href, label]) => h("a", { href, class: active === name || (name === "listings" && active === "listing") ? "active" : null, id: `nav-${name}` }, t(label))),
      ),
      form,
      h(
        "button",
        { type: "button", id: "lang-toggle", class: "lang", dataset: { lang: lang() }, onclick: () => setLang(lang() === "zh" ? "en" : "zh") },
        t("lang.switch"),
      ),
    ),
  );
}

function renderFooter(block) {
  const footer = document.getElementById("footer");
  if (!block) {
    replace(footer, h("span", { id: "footer-block", class: "muted" }, t("footer.none")));
    return;
  }
  replace(
    footer,
    h(
      "span",
      { id: "footer-block", dataset: { blockNumber: block.number, blockHash: block.hash } },
      `${t("footer.block")} #${block.number}`,
      " · ",
      `${t("footer.hash")} `,
      h("span", { class: "mono" }, block.hash),
      " · ",
      `${t("footer.time")} ${formatTime(block.timestamp)}`,
    ),
  );
}

function start() {
  initLang();
  onBlock((block) => {
    shownBlock = block;
    renderFooter(block);
  });
  onLangChange(() => route());
  window.addEventListener("hashchange", () => route());
  route();
  setTimeout(poll, POLL_MS);
}

start();
