// Information disclosure (信息披露, art. 25): how often the authority requires exchanges to disclose each kind, every
// exchange's calendar counted (periods met in time, late, missed, open) and the exchanges' disclosures; an exchange's
// own calendar and disclosures for its participant page. Periods are whole calendar months in China Standard Time,
// written as the API writes them (2026-11, 2026-Q4, 2026-H2, 2026).

import { get } from "../api.js";
import { h } from "../dom.js";
import { formatCount, formatTime } from "../format.js";
import { enumLabel, lang, t } from "../i18n.js";
import { badge, card, hashText, participantLink, table, timeText } from "../ui.js";
import { asOfNotice } from "./asset.js";
import { enumOptions, filterSelect, pageSize, pagedTable, scopeBadge } from "./lists.js";

const STATUSES = ["on_time", "late", "missed", "open"];
const STATUS_KIND = { on_time: "ok", late: "warn", missed: "bad", open: "info" };

function kindLabel(x) {
  return enumLabel("disclosure_kind", x.kind_name ?? x.kind);
}

function statusBadge(status) {
  return badge(enumLabel("disclosure_status", status), STATUS_KIND[status]);
}

/** A period as the API writes it, which names months of China Standard Time; its bounds in the tooltip (UTC, as every
 * time the explorer shows). */
function periodText(x) {
  return h("span", { title: `${formatTime(x.period_start)} – ${formatTime(x.period_end)}` }, x.period);
}

/** How often a kind is required: "每季度" / "quarterly" (the contract allows 1, 3, 6 or 12 months; 0 lifts it). */
function frequency(months) {
  return months ? t(`disclosure.months.${months}`) : badge(t("disclosure.notRequired"));
}

function requirementsTable(requirements, language) {
  return table(
    "disclosure-requirements",
    [
      { label: t("disclosure.kind"), class: "nowrap", cell: (r) => kindLabel(r) },
      { label: t("disclosure.frequency"), class: "nowrap", cell: (r) => frequency(r.months) },
      { label: t("disclosure.grace"), class: "num", cell: (r) => (r.months ? t("days", { n: r.grace_days }) : "–") },
      { label: t("disclosure.since"), cell: (r) => (r.months ? timeText(r.since) : "–") },
      { label: t("disclosure.setBy"), cell: (r) => (r.set_by ? participantLink(r.set_by, language) : "–") },
    ],
    requirements,
    (r) => ({ kind: r.kind_name, months: r.months, graceDays: r.grace_days }),
  );
}

/** Every exchange's required periods counted by status; an exchange that missed any is flagged. */
function calendarsTable(calendars, language) {
  return table(
    "disclosure-calendars",
    [
      { label: t("col.exchange"), cell: (c) => participantLink(c.exchange, language) },
      { label: t("participant.admitted"), cell: (c) => timeText(c.admitted_at) },
      ...STATUSES.map((status) => ({
        label: enumLabel("disclosure_status", status),
        class: "num",
        cell: (c) => (status === "missed" && c.missed ? badge(formatCount(c.missed), "bad") : formatCount(c[status])),
      })),
    ],
    calendars,
    (c) => ({
      exchange: c.exchange, onTime: c.on_time, late: c.late, missed: c.missed, open: c.open,
      flag: c.missed ? "missed" : null,
    }),
    t("disclosure.noExchanges"),
  );
}

/** The columns of a disclosures table; options.exchange adds the exchange (left out on the exchange's own page). */
function disclosureColumns(language, options = {}) {
  return [
    { label: t("col.id"), cell: (d) => `#${d.disclosure_id}` },
    { label: t("disclosure.kind"), class: "nowrap", cell: (d) => kindLabel(d) },
    {
      label: t("disclosure.period"),
      cell: (d) => [periodText(d), d.corrects === null ? null : [" ", badge(t("disclosure.corrects", { id: d.corrects }), "warn")]],
    },
    options.exchange ? { label: t("col.exchange"), cell: (d) => participantLink(d.exchange, language) } : null,
    { label: t("disclosure.filed"), cell: (d) => timeText(d.filed_at) },
    { label: t("col.document"), cell: (d) => hashText(d.document_hash) },
    { label: t("col.tx"), cell: (d) => hashText(d.tx_hash) },
  ].filter(Boolean);
}

function disclosureRowData(d) {
  return { disclosureId: d.disclosure_id, kind: d.kind_name, period: d.period, corrects: d.corrects ?? "" };
}

/** The disclosures of one exchange (its participant page). */
export function disclosuresTable(name, list, language) {
  return table(name, disclosureColumns(language), list, disclosureRowData, t("disclosure.none"));
}

/** An exchange's required periods: each with its status, due date and the disclosure that met it. */
export function periodsTable(periods) {
  return table(
    "disclosure-periods",
    [
      { label: t("disclosure.kind"), class: "nowrap", cell: (p) => kindLabel(p) },
      { label: t("disclosure.period"), cell: (p) => periodText(p) },
      { label: t("col.status"), cell: (p) => statusBadge(p.status) },
      { label: t("disclosure.due"), cell: (p) => timeText(p.due_at) },
      {
        label: t("disclosure.metBy"),
        cell: (p) => (p.disclosure_id === null ? "–" : h("span", {}, `#${p.disclosure_id} `, timeText(p.filed_at))),
      },
    ],
    periods,
    (p) => ({
      kind: p.kind_name, period: p.period, status: p.status, disclosureId: p.disclosure_id ?? "",
      flag: p.status === "missed" ? "missed" : null,
    }),
    t("disclosure.noPeriods"),
  );
}

/** "按期披露 1 · 逾期披露 0 · 逾期未披露 2 · 未到期 0" of an exchange's calendar, missed periods flagged. */
export function calendarCounts(calendar) {
  return h(
    "p",
    { class: "muted counts", dataset: { field: "disclosure-counts", missed: calendar.missed } },
    STATUSES.map((status, i) => [
      i ? " · " : "",
      status === "missed" && calendar.missed
        ? badge(`${enumLabel("disclosure_status", status)} ${formatCount(calendar.missed)}`, "bad")
        : `${enumLabel("disclosure_status", status)} ${formatCount(calendar[status])}`,
    ]),
  );
}

/**
 * #/disclosures: the requirements, every exchange's calendar counted and the disclosures (filtered by kind, or by
 * exchange from a participant's page), as of block at (null: the current state).
 */
export async function renderDisclosures(query, at = null) {
  const params = { at };
  for (const param of ["kind", "exchange"]) if (query.get(param)) params[param] = query.get(param);
  const limit = pageSize(query);
  const [requirements, calendars, first] = await Promise.all([
    get("disclosure-requirements", { at }),
    get("disclosure-calendar", { at }),
    get("disclosures", { ...params, limit }),
  ]);
  const language = lang();
  const missed = calendars.data.reduce((sum, c) => sum + c.missed, 0);
  const list = {
    name: "disclosure-list",
    path: "disclosures",
    columns: disclosureColumns(language, { exchange: true }),
    rowData: disclosureRowData,
    emptyText: t("disclosure.none"),
  };
  return h(
    "div",
    { class: "disclosures-page", dataset: { at: at ?? "" } },
    asOfNotice(at, "#/disclosures"),
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, t("disclosure.title")),
      query.get("exchange") ? scopeBadge("exchange", query.get("exchange")) : null,
      missed ? badge(t("disclosure.missedFlag", { n: missed }), "bad") : null,
    ),
    h("p", { class: "muted" }, t("disclosure.intro")),
    card("disclosure-requirements", t("disclosure.requirements"), requirementsTable(requirements.data, language)),
    card("disclosure-calendars", t("disclosure.calendars"), calendarsTable(calendars.data, language)),
    h(
      "form",
      { class: "filters", onsubmit: (event) => event.preventDefault() },
      filterSelect("disclosures", query, "kind", t("disclosure.kind"), enumOptions("disclosure_kind")),
    ),
    card("disclosure-list", t("disclosure.list"), pagedTable(list, params, limit, first)),
  );
}
