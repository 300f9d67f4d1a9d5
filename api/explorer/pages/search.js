// Search: assets by name, certificate number, id or content hash (the asset list's text filter, so the
// rows carry the whole record); participants by name or account and transactions by hash (/search); a content hash
// that an asset carries links to its trace (#/trace/0x…).

import { get } from "../api.js";
import { h } from "../dom.js";
import { certificateNumber } from "../format.js";
import { enumLabel, lang, t } from "../i18n.js";
import { assetLink, badge, card, hashText, muted, participantLink, table } from "../ui.js";
import { traceHref } from "./quality.js";

const ASSETS = 50;
const MAX_QUERY = 200; // the API's limit on search text

/** Hits of one type, each id once. */
function hits(data, type) {
  const seen = new Map();
  for (const hit of data) if (hit.type === type && !seen.has(hit.id)) seen.set(hit.id, hit);
  return [...seen.values()];
}

function assetsTable(assets, language) {
  return table(
    "search-assets",
    [
      { label: t("col.asset"), cell: (a) => assetLink(a.asset_id, a.name, language) },
      { label: t("asset.certificate"), class: "nowrap", cell: (a) => certificateNumber(a.region, a.certificate_serial) || "–" },
      { label: t("col.category"), class: "nowrap", cell: (a) => enumLabel("category", a.category_name ?? a.category) },
      { label: t("asset.kind"), class: "nowrap", cell: (a) => enumLabel("kind", a.kind_name ?? a.kind) },
      { label: t("col.holder"), cell: (a) => participantLink(a.holding_holder, language) },
      { label: t("col.status"), cell: (a) => badge(enumLabel("asset_status", a.status_name ?? a.status)) },
    ],
    assets,
    (a) => ({ assetId: a.asset_id }),
  );
}

/** The search page for q. */
export async function renderSearch(rawQuery) {
  const q = rawQuery.trim().slice(0, MAX_QUERY);
  const title = h("div", { class: "page-title" }, h("h1", {}, t("search.title")), q ? h("span", { class: "sub" }, `“${q}”`) : null);
  if (!q) return h("div", { class: "search-page" }, title, muted(t("search.hint")));
  const [assetPage, found] = await Promise.all([get("assets", { q, limit: ASSETS }), get("search", { q })]);
  const language = lang();
  const assets = assetPage.data;
  const participants = hits(found.data, "participant");
  const transactions = hits(found.data, "transaction");
  // A 0x + 64-hex text that is no transaction but the content of a listed asset: its trace.
  const content = /^0x[0-9a-fA-F]{64}$/.test(q) && !transactions.length ? q.toLowerCase() : null;
  const traced = content && assets.some((a) => String(a.content_hash).toLowerCase() === content) ? content : null;
  const total = assets.length + participants.length + transactions.length;
  return h(
    "div",
    { class: "search-page", dataset: { results: total } },
    title,
    total === 0 ? h("div", { class: "notice", dataset: { results: 0 } }, t("search.none")) : null,
    traced
      ? card(
          "search-trace",
          t("trace.title"),
          h("p", { dataset: { field: "trace" } }, `${t("quality.traceNote")} `, h("a", { href: traceHref(traced, null), id: "search-trace-link" }, t("quality.traceLink"))),
        )
      : null,
    assets.length ? card("search-assets", t("search.assets"), assetsTable(assets, language)) : null,
    participants.length
      ? card(
          "search-participants",
          t("search.participants"),
          table(
            "search-participants",
            [
              { label: t("col.name"), cell: (x) => participantLink(x.id, language) },
              { label: t("participant.account"), cell: (x) => h("span", { class: "mono" }, x.id) },
            ],
            participants,
            (x) => ({ account: x.id }),
          ),
        )
      : null,
    transactions.length
      ? card(
          "search-transactions",
          t("search.transactions"),
          table(
            "search-transactions",
            [
              { label: t("col.tx"), cell: (x) => hashText(x.id) },
              { label: t("col.event"), cell: (x) => x.label },
              { label: t("col.asset"), cell: (x) => (x.asset_id !== null && x.asset_id !== undefined ? assetLink(x.asset_id, null, language) : "–") },
            ],
            transactions,
            (x) => ({ tx: x.id }),
          ),
        )
      : null,
  );
}
