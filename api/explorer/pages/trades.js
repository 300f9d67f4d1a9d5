// The trades table, shared by the dashboard, the trade list, the asset page and the participant page.

import { h } from "../dom.js";
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
    { label: t("col.consent"), cell: (r) => consentBadge(r) },
    { label: t("col.price"), class: "num", cell: (r) => formatAmount(r.price) },
    { label: t("col.fee"), class: "num", cell: (r) => formatAmount(r.fee) },
    { label: t("col.tx"), cell: (r) => hashText(r.tx_hash) },
  ].filter(Boolean);
}

/** How the seller consented: its signed sales consent, its standing mandate or the exchange's listing it signed; off an
 * exchange, both parties signed. A mandated sale links to the trades under the same mandate, a listed one to its
 * listing. */
export function consentBadge(r) {
  const consent = r.consent || (r.on_exchange ? "signed" : "off_exchange");
  const kind = consent === "off_exchange" ? "warn" : consent === "mandate" || consent === "listing" ? "ok" : "info";
  const shown = badge(t(`consent.${consent}`), kind);
  if (consent === "listing" && r.mandate_id) {
    return h("a", { href: `#/listing/${r.mandate_id}`, title: r.mandate_id, dataset: { listingKey: r.mandate_id } }, shown);
  }
  if (consent !== "mandate" || !r.mandate_id) return shown;
  return h("a", { href: `#/trades?mandate_id=${r.mandate_id}`, title: r.mandate_id, dataset: { mandateId: r.mandate_id } }, shown);
}

export function tradeRowData(r) {
  return { tradeId: r.trade_id, tradeKey: r.trade_key, consent: r.consent, price: r.price, assetId: r.asset_id };
}

/** Trades as a table. */
export function tradesTable(name, trades, language, options = {}) {
  return table(name, tradeColumns(language, options), trades, tradeRowData, t("dash.noTrades"));
}
