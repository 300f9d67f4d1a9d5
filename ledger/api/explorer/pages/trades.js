// The trades table, shared by the dashboard, the trade list, the asset page and the participant page.

import { formatAmount } from "../format.js";
import { enumLabel, t } from "../i18n.js";
import { assetLink, badge, hashText, participantLink, table, timeText } from "../ui.js";

/** The columns of a trades table; options.asset adds the asset column (left out on an asset's own page). */
export function tradeColumns(language, options = {}) {
  return [
    { label: t("col.time"), cell: (r) => timeText(r.timestamp) },
    options.asset ? { label: t("col.asset"), cell: (r) => assetLink(r.asset_id, r.asset_name, language) } : null,
    { label: t("col.seller"), cell: (r) => participantLink(r.seller, language) },
    { label: t("col.buyer"), cell: (r) => participantLink(r.buyer, language) },
    {
      label: t("col.right"),
      cell: (r) => [
        enumLabel("right", r.right_name ?? r.right),
        " · ",
        Number(r.licence_id) ? `${enumLabel("delivery", "licence")} #${r.licence_id}` : enumLabel("delivery", "right"),
      ],
    },
    { label: t("col.venue"), cell: (r) => badge(r.on_exchange ? t("venue.on") : t("venue.off"), r.on_exchange ? "info" : "warn") },
    { label: t("col.price"), class: "num", cell: (r) => formatAmount(r.price) },
    { label: t("col.fee"), class: "num", cell: (r) => formatAmount(r.fee) },
    { label: t("col.tx"), cell: (r) => hashText(r.tx_hash) },
  ].filter(Boolean);
}

export function tradeRowData(r) {
  return { tradeId: r.trade_id, price: r.price, assetId: r.asset_id };
}

/** Trades as a table. */
export function tradesTable(name, trades, language, options = {}) {
  return table(name, tradeColumns(language, options), trades, tradeRowData, t("dash.noTrades"));
}
