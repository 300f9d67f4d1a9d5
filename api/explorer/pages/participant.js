// Participant page: roles, region, status, declarations, credit events, assets held, revenue, trades; an exchange's
// disclosure calendar and disclosures (art. 25) and its listings (art. 16-17); a seller's listings; its quality defaults
// (art. 9); a public-data department's entries in the opening lists (art. 10).

import { get } from "../api.js";
import { h } from "../dom.js";
import { formatAmount, formatCount, formatTime } from "../format.js";
import { enumLabel, lang, regionLabel, t } from "../i18n.js";
import { assetLink, badge, card, hashText, kv, moreNote, namePart, participantLink, table, timeText } from "../ui.js";
import { asOfNotice, ordersTable, valuationsTable } from "./asset.js";
import { calendarCounts, disclosuresTable, periodsTable } from "./disclosures.js";
import { licencesTable } from "./licences.js";
import { listingsCard, listingsOf } from "./listings.js";
import { departmentCard, entriesOf } from "./opening.js";
import { defaultsCard } from "./quality.js";
import { tradesTable } from "./trades.js";

const RIGHTS = ["holding", "processing", "operation"];
const LISTED = 100;

function statusBadge(status) {
  return badge(enumLabel("participant_status", status), status === "active" ? "ok" : "bad");
}

function roles(p) {
  return (p.role_names || []).map((r) => badge(enumLabel("role", r), "info"));
}

function heldTable(account, assets, language) {
  const lower = account.toLowerCase();
  const rights = (a) => RIGHTS.filter((r) => String(a[`${r}_holder`]).toLowerCase() === lower);
  return table(
    "assets-held",
    [
      { label: t("col.asset"), cell: (a) => assetLink(a.asset_id, a.name, language) },
      { label: t("col.category"), class: "nowrap", cell: (a) => enumLabel("category", a.category_name ?? a.category) },
      { label: t("col.rights"), cell: (a) => rights(a).map((r) => badge(enumLabel("right", r))) },
    ],
    assets,
    (a) => ({ assetId: a.asset_id, rights: rights(a).join(" ") }),
  );
}

function revenueTable(rows, language) {
  return table(
    "revenue",
    [
      { label: t("col.asset"), cell: (r) => assetLink(r.asset_id, null, language) },
      { label: enumLabel("payment", "seller"), class: "num", cell: (r) => formatAmount(r.seller) },
      { label: enumLabel("payment", "fee"), class: "num", cell: (r) => formatAmount(r.fee) },
      { label: enumLabel("payment", "revenue_share"), class: "num", cell: (r) => formatAmount(r.revenue_share) },
      { label: t("col.held"), class: "num", cell: (r) => formatAmount(r.held ?? "0") },
      { label: t("col.payments"), class: "num", cell: (r) => formatCount(r.payments) },
      { label: t("col.amount"), class: "num", cell: (r) => formatAmount(r.amount) },
    ],
    rows,
    (r) => ({ assetId: r.asset_id, amount: r.amount, held: r.held ?? "0" }),
  );
}

/** The keys the participant signed with, one per line, for the signing key's tooltip. */
function keysTitle(keys) {
  return keys
    .map((k) => `${k.address} ${formatTime(k.added_at)}${k.replaced_at ? ` – ${formatTime(k.replaced_at)}` : ""}`)
    .join("\n");
}

/** The participant page of account (its identity or any key it signed with), as of block at (null: the current
 * state). Its records are under its identity: a key is first resolved to it. */
/** The assets the participant recognises in its accounts (入表), with their carrying amounts and their total. */
function recognisedTable(list) {
  const total = list.reduce((sum, r) => sum + BigInt(r.carrying_amount), 0n);
  return [
    h("p", { class: "muted", dataset: { field: "carrying-total" } }, `${t("participant.carryingTotal")} ${formatAmount(total.toString())}`),
    table(
      "recognised",
      [
        { label: t("col.asset"), cell: (r) => assetLink(r.asset_id) },
        { label: t("accounting.category"), cell: (r) => enumLabel("accounting_category", r.category_name) },
        { label: t("accounting.amount"), class: "num", cell: (r) => formatAmount(r.carrying_amount) },
        { label: t("accounting.valuation"), cell: (r) => `#${r.valuation_id}` },
        { label: t("col.time"), cell: (r) => timeText(r.recognised_at) },
      ],
      list,
      (r) => ({ assetId: r.asset_id }),
    ),
  ];
}

export async function renderParticipant(key, at = null) {
  const found = (await get(`participants/${key}`, { at })).data;
  const account = found.account;
  // Only an exchange has a disclosure calendar (the API answers 404 for anyone else).
  const exchange = (found.role_names || []).includes("exchange");
  const [detail, held, revenue, trades, orders, licences, reports, recognised, calendar, disclosures, defaults, listed, selling, opening] =
    await Promise.all([
      get(`participants/${account}`, { at }),
      get("assets", { holder: account, limit: LISTED, at }),
      get("revenue", { participant: account, limit: LISTED, at }),
      get("trades", { party: account, limit: LISTED, at }),
      get("orders", { participant: account, limit: LISTED, at }),
      get("licences", { licensee: account, limit: LISTED, at }),
      get("valuations", { appraiser: account, limit: LISTED, at }),
      get("recognitions", { holder: account, limit: LISTED, at }),
      exchange ? get(`exchanges/${account}/disclosure-calendar`, { at }) : null,
      exchange ? get("disclosures", { exchange: account, limit: LISTED, at }) : null,
      get("quality-defaults", { holder: account, at }),
      exchange ? listingsOf({ exchange: account }, at) : null,
      listingsOf({ seller: account }, at),
      entriesOf(account, at),
    ]);
  const p = detail.data;
  const language = lang();
  const received = p.revenue_received || {};
  return h(
    "div",
    { class: "participant", dataset: { account: p.account, at: at ?? "" } },
    asOfNotice(at, `#/participant/${p.account}`),
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, namePart(p.name, language)),
      h("span", { class: "sub" }, namePart(p.name, language === "zh" ? "en" : "zh")),
      statusBadge(p.status_name ?? p.status),
    ),
    defaultsCard(defaults),
    h(
      "div",
      { class: "grid-2" },
      card(
        "details",
        t("participant.title"),
        kv([
          [t("participant.id"), `#${p.participant_id}`, "participant-id"],
          [t("participant.account"), h("span", { class: "mono" }, p.account), "account"],
          [
            t("participant.signingKey"),
            h("span", { class: "mono", title: keysTitle(p.keys || []) }, p.signing_key),
            "signing-key",
          ],
          [t("participant.creditCode"), hashText(p.credit_code_hash), "credit-code-hash"],
          [t("participant.roles"), roles(p), "roles"],
          [t("participant.region"), regionLabel(p.region), "region"],
          [t("participant.status"), statusBadge(p.status_name ?? p.status), "status"],
          [t("participant.admitted"), formatTime(p.admitted_at), "admitted"],
          [t("participant.score"), formatCount(p.credit_score ?? 0), "score"],
          [t("participant.balance"), formatAmount(p.balance ?? "0"), "balance"],
          [t("participant.revenueTotal"), formatAmount(received.total ?? "0"), "revenue-total"],
          [
            t("participant.held"),
            Number((p.held_shares || {}).amount ?? 0)
              ? h("span", { title: t("participant.heldNote") }, formatAmount(p.held_shares.amount), " ", badge(t("participant.heldNote"), "warn"))
              : null,
            "held-shares",
          ],
          [
            t("participant.released"),
            Number((p.held_shares || {}).total_released ?? 0)
              ? h(
                  "span",
                  {},
                  formatAmount(p.held_shares.total_released),
                  ` (${t("participant.releasedNote")} `,
                  (p.held_shares.releases || []).map((r, i) => [i ? ", " : "", participantLink(r.to, language)]),
                  ")",
                )
              : null,
            "released-shares",
          ],
        ]),
      ),
      card(
        "assets-held",
        t("participant.assets"),
        h(
          "p",
          { class: "muted counts", dataset: { field: "held-counts" } },
          RIGHTS.map((r) => `${enumLabel("right", r)} ${formatCount((p.assets_held || {})[r] ?? 0)}`).join(" · "),
        ),
        heldTable(p.account, held.data, language),
        moreNote(held, `#/assets?holder=${p.account}`),
      ),
    ),
    card(
      "licences-held",
      t("participant.licences"),
      licencesTable("licences-held", licences.data, language, licences.block.timestamp),
      moreNote(licences, `#/licences?licensee=${p.account}`),
    ),
    card("revenue", t("participant.revenue"), revenueTable(revenue.data, language), moreNote(revenue, null)),
    recognised.data.length ? card("recognised", t("participant.recognised"), recognisedTable(recognised.data)) : null,
    reports.data.length
      ? card("reports", t("participant.reports"), valuationsTable(reports.data, language), moreNote(reports, null))
      : null,
    exchange
      ? card(
          "disclosures",
          t("participant.disclosures"),
          calendarCounts(calendar.data),
          periodsTable(calendar.data.periods),
          h("h3", {}, t("disclosure.list")),
          disclosuresTable("exchange-disclosures", disclosures.data, language),
          moreNote(disclosures, `#/disclosures?exchange=${p.account}${at ? `&at=${at}` : ""}`),
        )
      : null,
    exchange
      ? listingsCard("exchange-listings", t("participant.listings"), listed, language, { asset: true, seller: true }, { exchange: p.account }, at)
      : null,
    selling.data.length
      ? listingsCard("seller-listings", t("participant.sellerListings"), selling, language, { asset: true, exchange: true }, { seller: p.account }, at)
      : null,
    opening.data.length ? departmentCard(p.account, opening, language, at) : null,
    card(
      "trades",
      t("participant.trades"),
      tradesTable("participant-trades", trades.data, language, { asset: true }),
      moreNote(trades, `#/trades?party=${p.account}`),
    ),
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
          p.declaration_list || [],
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
    card("orders", t("participant.orders"), ordersTable(orders.data, language), moreNote(orders, null)),
  );
}
