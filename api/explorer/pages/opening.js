// The annual public-data opening list (公共数据开放重点清单, art. 10): the authority publishes a year's list of entries,
// each naming a public-data department, the hash of the data's description and a target date; the department links
// the public-data asset it registered (planned → registered), and a licence of it or a listing of it on an exchange
// shows it opened; an entry planned or registered past its target date is overdue; the authority may withdraw one.
// #/opening: a year's progress by department, its published lists and its entries; a department's page carries its
// entries, and a linked asset's page the entry it fulfils.

import { get, getAll } from "../api.js";
import { h } from "../dom.js";
import { formatCount, formatTime } from "../format.js";
import { enumLabel, enumName, lang, t } from "../i18n.js";
import { assetLink, badge, card, hashText, moreNote, participantLink, table, tableRow, timeText } from "../ui.js";
import { asOfNotice } from "./asset.js";
import { listingLink } from "./listings.js";
import { filterSelect, pageSize, pagedTable, scopeBadge } from "./lists.js";

export const ENTRY_STATUSES = ["planned", "registered", "opened", "overdue", "withdrawn"];
const STATUS_KIND = { planned: "info", registered: "warn", opened: "ok", withdrawn: "" };
const SHOWN = 100;
const ALL = 10000;

/** An entry's status as badges: its status, overdue (planned or registered past its target date) or opened late. */
export function entryStatus(e) {
  return [
    badge(enumLabel("opening_status", e.status_name), STATUS_KIND[e.status_name] ?? ""),
    e.overdue ? badge(t("opening.overdue"), "bad") : null,
    e.opened_late ? badge(t("opening.openedLate"), "warn") : null,
  ];
}

/** The licence id an entry's evidence names (a uint64 written as 32 bytes), as a decimal string. */
export function evidenceLicenceId(e) {
  if (e.evidence !== "licence" || !e.evidence_ref) return null;
  try {
    return BigInt(e.evidence_ref).toString();
  } catch {
    return null;
  }
}

/** What showed the entry open: the licence (its asset's licences) or the exchange's listing, and when. */
function evidenceCell(e, at) {
  if (e.status_name !== "opened" || !e.evidence) return h("span", { class: "muted" }, "–");
  let link;
  if (e.evidence === "listing") {
    link = [`${t("opening.byListing")} `, listingLink(e.evidence_ref, at)];
  } else {
    const id = evidenceLicenceId(e);
    link = h(
      "a",
      { href: `#/licences?asset_id=${e.asset_id}`, title: e.evidence_ref, dataset: { licenceId: id } },
      `${enumLabel("delivery", "licence")} #${id}`,
    );
  }
  return h("span", { class: "evidence", dataset: { evidence: e.evidence } }, link, " ", timeText(e.opened_at));
}

function targetText(seconds) {
  return h("span", { class: "time", title: formatTime(seconds) }, formatTime(seconds).slice(0, 10));
}

/** The columns of an entries table; options.year and options.department add those columns, options.asset false leaves
 * the asset out (on its own page). at: the block links open their pages at. */
function entryColumns(language, options = {}, at = null) {
  return [
    { label: t("col.id"), class: "nowrap", cell: (e) => `#${e.entry_id}` },
    options.year ? { label: t("opening.year"), class: "nowrap", cell: (e) => h("a", { href: openingHref({ year: e.year }, at) }, String(e.year)) } : null,
    options.department ? { label: t("opening.department"), cell: (e) => participantLink(e.department, language) } : null,
    { label: t("opening.description"), cell: (e) => hashText(e.description_hash) },
    { label: t("opening.target"), class: "nowrap", cell: (e) => targetText(e.target_date) },
    { label: t("col.status"), cell: (e) => entryStatus(e) },
    options.asset === false ? null : { label: t("col.asset"), cell: (e) => (e.asset_id === null || e.asset_id === undefined ? "–" : assetLink(e.asset_id, null, language)) },
    { label: t("opening.evidence"), cell: (e) => evidenceCell(e, at) },
  ].filter(Boolean);
}

function entryRowData(e) {
  return {
    entryId: e.entry_id, year: e.year, department: e.department, status: e.status_name, overdue: String(Boolean(e.overdue)),
    openedLate: String(Boolean(e.opened_late)), assetId: e.asset_id ?? "", evidence: e.evidence ?? "",
    licenceId: evidenceLicenceId(e) ?? "", listingKey: e.evidence === "listing" ? e.evidence_ref : "",
    flag: e.overdue ? "overdue" : null,
  };
}

/** Entries as a table (a department's and an asset's cards). */
export function entriesTable(name, list, language, options = {}, at = null) {
  return table(name, entryColumns(language, options, at), list, entryRowData, t("opening.none"));
}

/** The href of the opening page with params (year, department, status), as of block at (null: now). */
export function openingHref(params = {}, at = null) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") query.set(k, String(v));
  if (at) query.set("at", at);
  const text = query.toString();
  return `#/opening${text ? `?${text}` : ""}`;
}

/** The share of a row's entries opened, withdrawn ones left out: a bar and a percentage ("–" when none is due). */
function openedShare(r) {
  const due = Number(r.entries) - Number(r.withdrawn);
  if (due <= 0) return h("span", { class: "muted" }, "–");
  const percent = Math.round((100 * Number(r.opened)) / due);
  return h(
    "span",
    { class: "share", title: t("opening.shareNote"), dataset: { percent } },
    h("progress", { value: Number(r.opened), max: due }),
    ` ${percent}%`,
  );
}

function progressColumns(language) {
  return [
    {
      label: t("opening.department"),
      cell: (r) => (r.total ? h("strong", {}, t("opening.total")) : participantLink(r.department, language)),
    },
    { label: t("opening.entries"), class: "num", cell: (r) => formatCount(r.entries) },
    { label: t("opening.col.planned"), class: "num", cell: (r) => formatCount(r.planned) },
    { label: t("opening.col.registered"), class: "num", cell: (r) => formatCount(r.registered) },
    {
      label: t("opening.col.opened"),
      class: "num",
      cell: (r) => [formatCount(r.opened), r.opened_late ? [" ", badge(t("opening.lateCount", { n: formatCount(r.opened_late) }), "warn")] : null],
    },
    {
      label: t("opening.col.overdue"),
      class: "num",
      cell: (r) => (r.overdue ? badge(formatCount(r.overdue), "bad") : formatCount(r.overdue)),
    },
    { label: t("opening.col.withdrawn"), class: "num", cell: (r) => formatCount(r.withdrawn) },
    { label: t("opening.share"), class: "nowrap", cell: (r) => openedShare(r) },
  ];
}

function progressRowData(r) {
  return {
    department: r.total ? "total" : r.department, entries: r.entries, planned: r.planned, registered: r.registered,
    opened: r.opened, openedLate: r.opened_late, overdue: r.overdue, withdrawn: r.withdrawn,
    flag: r.overdue ? "overdue" : null,
  };
}

/** Each department's counts, and all together in the table's foot. */
function progressTable(progress, language) {
  const columns = progressColumns(language);
  const node = table("opening-progress", columns, progress.departments, progressRowData, t("opening.none"));
  node.querySelector("table").append(h("tfoot", {}, tableRow(columns, { ...progress.total, total: true }, progressRowData)));
  return node;
}

function listsTable(lists, language) {
  return table(
    "opening-lists",
    [
      { label: t("opening.listHash"), cell: (l) => hashText(l.list_hash) },
      { label: t("opening.entries"), class: "num", cell: (l) => formatCount(l.entries) },
      {
        label: t("opening.entryIds"),
        class: "nowrap",
        cell: (l) => (l.entries > 1 ? `#${l.first_entry_id} – #${l.first_entry_id + l.entries - 1}` : `#${l.first_entry_id}`),
      },
      { label: t("opening.publishedBy"), cell: (l) => participantLink(l.published_by, language) },
      { label: t("opening.published"), cell: (l) => timeText(l.published_at) },
      { label: t("col.tx"), cell: (l) => hashText(l.tx_hash) },
    ],
    lists,
    (l) => ({ listHash: l.list_hash, firstEntryId: l.first_entry_id, entries: l.entries }),
    t("opening.noLists"),
  );
}

/** The year select: the years that have entries (newest first); choosing one shows its list. */
function yearSelect(query, years, year) {
  const select = h(
    "select",
    {
      name: "year",
      id: "filter-year",
      onchange: (event) => {
        const next = new URLSearchParams(query);
        next.delete("limit");
        next.set("year", event.target.value);
        location.hash = `#/opening?${next}`;
      },
    },
    years.map((y) => h("option", { value: y, selected: y === year ? true : null }, String(y))),
  );
  return h("label", { class: "filter" }, h("span", {}, t("opening.year")), select);
}

/** The hash of the page without ?at= (its current state). */
function currentHref(query) {
  const next = new URLSearchParams(query);
  next.delete("at");
  const text = next.toString();
  return `#/opening${text ? `?${text}` : ""}`;
}

/**
 * #/opening: a year's opening list (?year=, default the latest year with entries): its progress by department, the
 * lists published for it and its entries, by status (a select) or ?department=, with "load more", as of block at
 * (null: the current state).
 */
export async function renderOpening(query, at = null) {
  const all = await getAll("opening-list", { at }, ALL);
  const years = [...new Set(all.map((e) => Number(e.year)))];
  const asked = /^\d{4}$/.test(query.get("year") || "") ? Number(query.get("year")) : null;
  if (asked !== null && !years.includes(asked)) years.push(asked);
  years.sort((a, b) => b - a);
  const year = asked ?? (years.length ? years[0] : null);
  const params = { at, year };
  for (const param of ["status", "department"]) if (query.get(param)) params[param] = query.get(param);
  const limit = pageSize(query);
  const [progress, first] = await Promise.all([
    year === null ? null : get("opening-list/progress", { year, at }),
    year === null ? { data: [], next_cursor: null } : get("opening-list", { ...params, limit }),
  ]);
  const language = lang();
  const list = {
    name: "opening-entries",
    path: "opening-list",
    columns: entryColumns(language, { department: true }, at),
    rowData: entryRowData,
    emptyText: t("opening.none"),
  };
  const total = progress ? progress.data.total : null;
  return h(
    "div",
    { class: "opening-page", dataset: { at: at ?? "", year: year ?? "" } },
    asOfNotice(at, currentHref(query)),
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, t("opening.title")),
      year !== null ? badge(t("opening.yearBadge", { year }), "info") : null,
      query.get("department") ? scopeBadge("department", query.get("department")) : null,
      total && total.overdue ? badge(t("opening.overdueFlag", { n: formatCount(total.overdue) }), "bad") : null,
    ),
    h("p", { class: "muted" }, t("opening.intro")),
    year === null
      ? h("p", { class: "notice", dataset: { field: "no-list" } }, t("opening.noYear"))
      : [
          card(
            "opening-progress",
            t("opening.progress"),
            h(
              "p",
              { class: "muted counts", dataset: { field: "opening-counts", percent: total.entries - total.withdrawn ? Math.round((100 * total.opened) / (total.entries - total.withdrawn)) : "" } },
              t("opening.summary", { n: formatCount(total.entries), opened: formatCount(total.opened), due: formatCount(total.entries - total.withdrawn) }),
            ),
            progressTable(progress.data, language),
          ),
          card("opening-lists", t("opening.lists"), listsTable(progress.data.lists, language)),
        ],
    h(
      "form",
      { class: "filters", onsubmit: (event) => event.preventDefault() },
      years.length ? yearSelect(query, years, year) : null,
      filterSelect("opening", query, "status", t("col.status"), ENTRY_STATUSES.map((s) => [s, enumLabel("opening_status", s)])),
    ),
    card("opening-entries", t("opening.entryList"), pagedTable(list, params, limit, first)),
  );
}

/** The first entries naming a department, as of block at. */
export function entriesOf(department, at) {
  return get("opening-list", { department, at, limit: SHOWN });
}

/** A department's entries (every year's) and a link to the opening page narrowed to it. */
export function departmentCard(account, page, language, at) {
  const href = openingHref({ department: account }, at);
  return card(
    "opening-entries",
    t("participant.opening"),
    entriesTable("department-opening", page.data, language, { year: true }, at),
    moreNote(page, href),
    h("p", { class: "muted more-note" }, h("a", { href, id: "department-opening-link" }, t("opening.departmentLink"))),
  );
}

/** The entries an asset fulfils (only a public-data asset can be linked; the API has no asset filter: all are read). */
export async function entriesOfAsset(asset, at) {
  if (enumName("category", asset.category_name ?? asset.category) !== "public") return [];
  const all = await getAll("opening-list", { at }, ALL);
  return all.filter((e) => String(e.asset_id) === String(asset.asset_id));
}

/** The asset's card: the entries it fulfils. */
export function assetCard(entries, language, at) {
  return card(
    "asset-opening",
    t("asset.opening"),
    h("p", { class: "muted" }, t("asset.openingNote")),
    entriesTable("asset-opening", entries, language, { year: true, department: true, asset: false }, at),
  );
}
