// Search: assets by name or certificate number, participants by name or account, transactions by hash.

import { get } from "../api.js";
import { h } from "../dom.js";
import { formatTime } from "../format.js";
import { enumLabel, eventLabel, lang, t } from "../i18n.js";
import { assetLink, badge, card, hashText, muted, participantLink, table } from "../ui.js";

function group(data, kind) {
  if (Array.isArray(data)) return data.filter((x) => x.type === kind || x.kind === kind);
  return data[`${kind}s`] || data[kind] || [];
}

/** The search page for q. */
export async function renderSearch(q) {
  const title = h("div", { class: "page-title" }, h("h1", {}, t("search.title")), q ? h("span", { class: "sub" }, `“${q}”`) : null);
  if (!q) return h("div", { class: "search-page" }, title, muted(t("search.hint")));
  const found = await get("search", { q });
  const language = lang();
  const assets = group(found.data, "asset");
  const participants = group(found.data, "participant");
  const transactions = group(found.data, "transaction");
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
              { label: t("col.asset"), cell: (a) => assetLink(a.asset_id, a.name, language) },
              { label: t("asset.certificate"), cell: (a) => a.certificate_number || "–" },
              { label: t("col.category"), cell: (a) => enumLabel("category", a.category_name ?? a.category) },
              { label: t("col.status"), cell: (a) => badge(enumLabel("asset_status", a.status_name ?? a.status)) },
            ],
            assets,
            (a) => ({ assetId: a.asset_id }),
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
              { label: t("col.name"), cell: (p) => participantLink(p.account, language) },
              { label: t("participant.account"), cell: (p) => h("span", { class: "mono" }, p.account) },
              { label: t("participant.roles"), cell: (p) => (p.role_names || []).map((r) => badge(enumLabel("role", r), "info")) },
            ],
            participants,
            (p) => ({ account: p.account }),
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
              { label: t("col.tx"), cell: (x) => hashText(x.tx_hash) },
              { label: t("col.block"), class: "num", cell: (x) => String(x.block_number ?? "") },
              { label: t("col.time"), cell: (x) => formatTime(x.timestamp) },
              { label: t("col.event"), cell: (x) => (x.events || []).map((e) => badge(eventLabel(e.name ?? e))) },
              { label: t("col.asset"), cell: (x) => (x.asset_id !== null && x.asset_id !== undefined ? assetLink(x.asset_id, null, language) : "–") },
            ],
            transactions,
            (x) => ({ tx: x.tx_hash }),
          ),
        )
      : null,
  );
}
