// Search: assets by name or certificate number, participants by name or account, transactions by hash.

import { get } from "../api.js";
import { h } from "../dom.js";
import { lang, t } from "../i18n.js";
import { assetLink, badge, card, hashText, muted, participantLink, table } from "../ui.js";


/** Hits of the given types, each asset (or account, or transaction) once. */
function hits(data, types, key) {
  const seen = new Map();
  for (const hit of data) {
    if (!types.includes(hit.type)) continue;
    const k = key(hit);
    if (!seen.has(k)) seen.set(k, { ...hit, matched: [] });
    seen.get(k).matched.push(hit.type);
  }
  return [...seen.values()];
}

/** A certificate number as printed (DR-450000-00000012) is looked up by its serial. */
function apiQuery(q) {
  const certificate = /^DR-\d+-(\d+)$/i.exec(q.trim());
  return certificate ? String(Number(certificate[1])).padStart(8, "0") : q.trim();
}

/** An asset hit's name: the label without a "certificate N: " prefix. */
function assetName(hit) {
  return String(hit.label || "").replace(/^certificate \d+: /, "");
}

/** The search page for q. */
export async function renderSearch(q) {
  const title = h("div", { class: "page-title" }, h("h1", {}, t("search.title")), q ? h("span", { class: "sub" }, `“${q}”`) : null);
  if (!q) return h("div", { class: "search-page" }, title, muted(t("search.hint")));
  const found = await get("search", { q: apiQuery(q) });
  const language = lang();
  const assets = hits(found.data, ["asset", "certificate"], (x) => x.asset_id ?? x.id);
  const participants = hits(found.data, ["participant"], (x) => x.id);
  const transactions = hits(found.data, ["transaction"], (x) => x.id);
  const total = assets.length + participants.length + transactions.length;
  return h(
    "div",
    { class: "search-page", dataset: { results: total } },
    title,
    total === 0 ? h("div", { class: "notice", dataset: { results: 0 } }, t("search.none")) : null,
    assets.length
      ? card(
          "search-assets",
          t("search.assets"),
          table(
            "search-assets",
            [
              { label: t("col.asset"), cell: (x) => assetLink(x.asset_id ?? x.id, assetName(x), language) },
              { label: t("search.matched"), cell: (x) => x.matched.map((m) => badge(t(`search.by.${m}`), "info")) },
            ],
            assets,
            (x) => ({ assetId: x.asset_id ?? x.id }),
          ),
        )
      : null,
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
