// Dashboard: record counts, trade volume per day and per data category, the most recent trades.

import { get, getAll } from "../api.js";
import { barChart, lineChart } from "../charts.js";
import { h } from "../dom.js";
import { formatAmount, formatCount, formatTime } from "../format.js";
import { enumLabel, lang, t } from "../i18n.js";
import { badge, card, namePart, participantName } from "../ui.js";
import { tradesTable } from "./trades.js";

const RECENT = 10;
const WIDE = 1100; // the per-day chart runs across the page
const PROBE = 200; // trades read per probe while looking for the newest
const MAX_SCANNED = 10_000; // bound on the trades read when one second holds more than a probe

const COUNTS = [
  ["participants", "count.participants"],
  ["assets", "count.assets"],
  ["licences", "count.licences"],
  ["trades", "count.trades"],
  ["objections", "count.objections"],
  ["freezes", "count.freezes"],
  ["orders", "count.orders"],
  ["mandates", "count.mandates"],
  ["trade_refusals", "count.refusals"],
];

const LISTS = {
  participants: "#/participants",
  assets: "#/assets",
  licences: "#/licences",
  trades: "#/trades",
  volume: "#/trades",
  mandates: "#/mandates",
  trade_refusals: "#/refusals",
};

function stat(name, label, value, wide) {
  return h(
    LISTS[name] ? "a" : "div",
    { class: wide ? "stat wide" : "stat", href: LISTS[name] || null, dataset: { stat: name, value } },
    h("div", { class: "label" }, label),
    h("div", { class: "value" }, name === "volume" ? formatAmount(value) : name === "chain" ? String(value) : formatCount(value)),
  );
}

function counts(status) {
  const c = status.counts || {};
  return card(
    "counts",
    t("dash.counts"),
    h(
      "div",
      { class: "stats" },
      COUNTS.map(([name, label]) => stat(name, t(label), c[name] ?? 0)),
      stat("volume", t("count.volume"), status.trade_volume ?? "0", true),
      stat("indexed", t("count.indexed"), status.indexed_block ?? 0),
      stat("lag", t("count.lag"), status.lag_blocks ?? 0),
      stat("chain", t("count.chain"), status.chain_id ?? "–"),
    ),
  );
}

function aggregateRows(rows, label) {
  return rows.map((r) => ({ key: String(r.key), label: label(r), value: String(r.volume), count: r.count }));
}

/**
 * The newest trades, newest first. The trades list runs oldest first, so this looks for a start time
 * after which at least RECENT and at most one PROBE page of trades settled, and keeps the end of that
 * page. It starts with the latest days holding RECENT trades (the per-day counts) and, while more than
 * a page settled since the start, halves the time left (the aggregates count whole days only).
 */
async function recentTrades(days) {
  let count = 0;
  let since = null;
  for (let i = days.length - 1; i >= 0 && count < RECENT; i--) {
    count += Number(days[i].count);
    since = days[i].key;
  }
  if (since === null) return [];
  let from = Date.parse(`${since}T00:00:00Z`) / 1000; // at least RECENT trades since `from`
  let tooLate = Date.parse(`${days[days.length - 1].key}T00:00:00Z`) / 1000 + 86_400; // fewer since this
  for (;;) {
    const page = await get("trades", { from: String(from), limit: PROBE });
    if (!page.next_cursor) return page.data.slice(-RECENT).reverse();
    if (tooLate - from <= 1) break;
    const mid = Math.floor((from + tooLate) / 2);
    const later = await get("trades", { from: String(mid), limit: RECENT });
    if (later.data.length >= RECENT) from = mid;
    else tooLate = mid;
  }
  // More than a page within one second: read through it.
  const trades = await getAll("trades", { from: String(from) }, MAX_SCANNED);
  return trades.slice(-RECENT).reverse();
}

/**
 * Cross-province recognition at a glance: agreements, recognised registrations and the latest saved
 * cross-check; left out while there is none of them.
 */
function recognitionSummary(agreements, records, reports) {
  const latest = reports.data[0];
  if (!agreements.data.length && !records.data.length && !latest) return null;
  const active = records.data.filter((r) => r.status_name === "active").length;
  return card(
    "recognition-summary",
    t("recog.title"),
    h(
      "div",
      { class: "stats" },
      stat("agreements", t("recog.agreements"), agreements.data.filter((a) => a.active).length),
      stat("recognised", t("recog.records"), active),
      stat("suspended", t("recog.suspended"), records.data.length - active),
      latest
        ? h(
            "div",
            { class: "stat wide", dataset: { stat: "last-report", value: latest.report_id } },
            h("div", { class: "label" }, `${t("recog.lastReport")} #${latest.report_id} · ${t("recog.chain")} ${latest.origin_chain_id}`),
            h(
              "div",
              { class: "counts" },
              Object.entries(latest.counts).map(([verdict, n]) =>
                badge(`${enumLabel("verdict", verdict)} ${n}`, verdict === "match" ? "ok" : verdict === "stale" ? "warn" : "bad"),
              ),
            ),
            h("div", { class: "label" }, formatTime(latest.checked_at)),
          )
        : null,
    ),
  );
}

/** The dashboard page. */
export async function renderDashboard() {
  const [status, byDay, byCategory, byExchange] = await Promise.all([
    get("status"),
    get("trades/aggregates", { group_by: "day" }),
    get("trades/aggregates", { group_by: "category" }),
    get("trades/aggregates", { group_by: "exchange" }),
  ]);
  const [recent, agreements, records, reports] = await Promise.all([
    recentTrades(byDay.data),
    get("recognition/agreements", { limit: 100 }),
    get("recognition/records", { limit: 1000 }),
    get("recognition/crosschecks", { limit: 1 }),
  ]);
  const language = lang();
  const dayRows = aggregateRows(byDay.data, (r) => String(r.key).slice(5));
  const categoryRows = aggregateRows(byCategory.data, (r) => enumLabel("category", r.key_name ?? r.key));
  const exchangeRows = aggregateRows(byExchange.data, (r) =>
    /^0x0{40}$/i.test(r.key) ? t("venue.off") : namePart(participantName(r.key) || r.key, language),
  );
  return h(
    "div",
    { class: "dashboard" },
    h("div", { class: "page-title" }, h("h1", {}, t("dash.title"))),
    counts(status.data),
    card(
      "volume-by-day",
      t("dash.volumeByDay"),
      lineChart({ name: "volume-by-day", title: t("dash.volumeByDay"), rows: dayRows, width: WIDE }),
    ),
    h(
      "div",
      { class: "grid-2" },
      card(
        "volume-by-category",
        t("dash.volumeByCategory"),
        barChart({ name: "volume-by-category", title: t("dash.volumeByCategory"), rows: categoryRows }),
      ),
      card(
        "volume-by-exchange",
        t("dash.volumeByExchange"),
        barChart({ name: "volume-by-exchange", title: t("dash.volumeByExchange"), rows: exchangeRows }),
      ),
    ),
    recognitionSummary(agreements, records, reports),
    card("recent-trades", t("dash.recentTrades"), tradesTable("recent-trades", recent, language, { asset: true })),
  );
}
