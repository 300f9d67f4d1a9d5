// Participant page: roles, region, status, declarations, credit events, assets held, revenue, trades.

import { get } from "../api.js";
import { h } from "../dom.js";
import { formatAmount, formatCount, formatTime } from "../format.js";
import { enumLabel, lang, regionLabel, t } from "../i18n.js";
import { assetLink, badge, card, hashText, kv, namePart, table, timeText } from "../ui.js";
import { ordersTable } from "./asset.js";
import { tradesTable } from "./trades.js";

const RIGHTS = ["holding", "processing", "operation"];

function statusBadge(status) {
  return badge(enumLabel("participant_status", status), status === "active" ? "ok" : "bad");
}

function roles(p) {
  return (p.role_names || []).map((r) => badge(enumLabel("role", r), "info"));
}

/** Rows {asset_id, name, rights: [...]} from the held assets per right. */
function heldRows(held) {
  const rows = new Map();
  for (const right of RIGHTS) {
    for (const item of held[right] || []) {
      const id = typeof item === "object" ? item.asset_id : item;
      if (!rows.has(id)) rows.set(id, { asset_id: id, name: item.name, rights: [] });
      rows.get(id).rights.push(right);
    }
  }
  return [...rows.values()].sort((a, b) => Number(a.asset_id) - Number(b.asset_id));
}

/** The participant page of account. */
export async function renderParticipant(account) {
  const [detail, trades] = await Promise.all([get(`participants/${account}`), get("trades", { party: account, limit: 100 })]);
  const p = detail.data;
  const language = lang();
  const held = heldRows(p.assets_held || {});
  const revenue = p.revenue || { total: "0", by_asset: [] };
  return h(
    "div",
    { class: "participant", dataset: { account: p.account } },
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, namePart(p.name, language)),
      h("span", { class: "sub" }, namePart(p.name, language === "zh" ? "en" : "zh")),
      statusBadge(p.status_name ?? p.status),
    ),
    h(
      "div",
      { class: "grid-2" },
      card(
        "details",
        t("participant.title"),
        kv([
          [t("participant.account"), h("span", { class: "mono" }, p.account), "account"],
          [t("participant.roles"), roles(p), "roles"],
          [t("participant.region"), regionLabel(p.region), "region"],
          [t("participant.status"), statusBadge(p.status_name ?? p.status), "status"],
          [t("participant.admitted"), formatTime(p.admitted_at), "admitted"],
          [t("participant.score"), formatCount(p.credit_score ?? p.score ?? 0), "score"],
          [t("participant.revenueTotal"), formatAmount(revenue.total ?? "0"), "revenue-total"],
        ]),
      ),
      card(
        "assets-held",
        t("participant.assets"),
        table(
          "assets-held",
          [
            { label: t("col.asset"), cell: (r) => assetLink(r.asset_id, r.name, language) },
            { label: t("col.rights"), cell: (r) => r.rights.map((x) => badge(enumLabel("right", x))) },
          ],
          held,
          (r) => ({ assetId: r.asset_id, rights: r.rights.join(" ") }),
        ),
      ),
    ),
    card(
      "revenue",
      t("participant.revenue"),
      table(
        "revenue",
        [
          { label: t("col.asset"), cell: (r) => assetLink(r.asset_id, r.asset_name, language) },
          { label: t("col.kind"), cell: (r) => enumLabel("payment", r.kind) },
          { label: t("col.trades"), class: "num", cell: (r) => formatCount(r.count ?? r.payments ?? "") },
          { label: t("col.amount"), class: "num", cell: (r) => formatAmount(r.amount) },
        ],
        revenue.by_asset || [],
        (r) => ({ assetId: r.asset_id, amount: r.amount, kind: r.kind }),
      ),
    ),
    card("trades", t("participant.trades"), tradesTable("participant-trades", trades.data, language, { asset: true })),
    h(
      "div",
      { class: "grid-2" },
      card(
        "declarations",
        t("participant.declarations"),
        table(
          "declarations",
          [
            { label: "#", cell: (d) => String(d.seq) },
            { label: t("col.time"), cell: (d) => timeText(d.timestamp) },
            { label: t("col.document"), cell: (d) => hashText(d.document_hash) },
          ],
          p.declarations || [],
          (d) => ({ seq: d.seq }),
        ),
      ),
      card(
        "credit",
        t("participant.credit"),
        table(
          "credit-events",
          [
            { label: t("col.code"), cell: (c) => String(c.code) },
            { label: t("col.delta"), class: "num", cell: (c) => (Number(c.delta) > 0 ? `+${c.delta}` : String(c.delta)) },
            { label: t("col.score"), class: "num", cell: (c) => String(c.score) },
            { label: t("col.time"), cell: (c) => timeText(c.timestamp) },
            { label: t("col.document"), cell: (c) => hashText(c.document_hash) },
          ],
          p.credit_events || [],
          (c) => ({ seq: c.seq, delta: c.delta }),
        ),
      ),
    ),
    card("orders", t("participant.orders"), ordersTable(p.orders || [], language)),
  );
}
