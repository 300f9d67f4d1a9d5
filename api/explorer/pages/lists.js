// Browsable lists: assets, licences, trades and participants, with filters kept in the hash's query (so a filtered
// list is a link) and "load more" following the API's cursor.

import { get } from "../api.js";
import { h } from "../dom.js";
import { certificateNumber } from "../format.js";
import { enumCodes, enumLabel, lang, regionLabel, t } from "../i18n.js";
import {
  assetLink,
  badge,
  card,
  errorBox,
  hashText,
  isRecognised,
  namePart,
  participantLink,
  participantName,
  table,
  tableRow,
  timeText,
} from "../ui.js";
import { mandateTableColumns } from "./asset.js";
import { licenceColumns, licenceRowData } from "./licences.js";
import { tradeColumns, tradeRowData } from "./trades.js";

const PAGE = 50;

/** "party: 柳州汽车物流有限公司" for a list narrowed by a route parameter. */
export function scopeBadge(param, value) {
  const name = participantName(value);
  return badge(`${param}: ${name ? namePart(name, lang()) : value}`, "info");
}

/** The page size: ?limit= of the route (1-1000), else PAGE. */
export function pageSize(query) {
  const n = Number(query.get("limit"));
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : PAGE;
}

/** A select of a filter; choosing a value navigates to the list with the new query. */
export function filterSelect(route, query, name, label, options) {
  const select = h(
    "select",
    {
      name,
      id: `filter-${name}`,
      onchange: (event) => {
        const next = new URLSearchParams(query);
        next.delete("limit");
        if (event.target.value === "") next.delete(name);
        else next.set(name, event.target.value);
        const text = next.toString();
        location.hash = `#/${route}${text ? `?${text}` : ""}`;
      },
    },
    h("option", { value: "" }, t("filter.any")),
    options.map(([value, text]) =>
      h("option", { value, selected: query.get(name) === String(value) ? true : null }, text),
    ),
  );
  return h("label", { class: "filter" }, h("span", {}, label), select);
}

export function enumOptions(type) {
  return enumCodes(type).map(([code, name]) => [code, enumLabel(type, name)]);
}

const YES_NO = () => [["true", t("common.yes")], ["false", t("common.no")]];

/**
 * A list page: filters, a table of the first page and a button loading the next pages.
 * spec: {name, route, path, title, columns, rowData, filters: [[param, label, options]], params,
 * scope: params taken from the route as they are (e.g. ?party=0x… from a participant's page)}.
 */
async function listPage(spec, query) {
  const params = { ...(spec.params || {}) };
  for (const [param] of spec.filters) if (query.get(param)) params[param] = query.get(param);
  for (const param of spec.scope || []) if (query.get(param)) params[param] = query.get(param);
  const limit = pageSize(query);
  const first = await get(spec.path, { ...params, limit });
  return h(
    "div",
    { class: `list-page ${spec.name}` },
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, spec.title),
      (spec.scope || []).filter((p) => query.get(p)).map((p) => scopeBadge(p, query.get(p))),
    ),
    h(
      "form",
      { class: "filters", onsubmit: (event) => event.preventDefault() },
      spec.filters.map(([param, label, options]) => filterSelect(spec.route, query, param, label, options)),
    ),
    card(spec.name, spec.title, pagedTable(spec, params, limit, first)),
  );
}

/**
 * The table of a list's first page (first: the API's answer) and under it the pager: how many rows are shown and
 * a button loading the next page, asked with the same params (filters, ?at=) and the cursor.
 * spec: {name, path, columns, rowData, emptyText}.
 */
export function pagedTable(spec, params, limit, first) {
  const tableNode = table(spec.name, spec.columns, first.data, spec.rowData, spec.emptyText);
  const tableEl = tableNode.querySelector("table");
  const body = tableNode.querySelector("tbody");
  let cursor = first.next_cursor;
  let shown = first.data.length;
  const counter = h("span", { class: "muted shown", dataset: { shown } }, t("list.shown", { n: shown }));
  const more = h("button", { type: "button", class: "more", id: "load-more" }, t("list.more"));
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const next = await get(spec.path, { ...params, limit, cursor });
      for (const row of next.data) body.append(tableRow(spec.columns, row, spec.rowData));
      shown += next.data.length;
      cursor = next.next_cursor;
      tableEl.dataset.rows = String(shown);
      counter.dataset.shown = String(shown);
      counter.textContent = t("list.shown", { n: shown });
      if (!cursor) more.remove();
    } catch (error) {
      more.after(errorBox(error));
    } finally {
      more.disabled = false;
    }
  });
  return [tableNode, h("div", { class: "pager" }, counter, cursor ? more : null)];
}

/** #/assets */
export function renderAssetList(query) {
  const language = lang();
  return listPage(
    {
      name: "asset-list",
      route: "assets",
      path: "assets",
      title: t("list.assets"),
      columns: [
        { label: t("col.asset"), cell: (a) => assetLink(a.asset_id, a.name, language) },
        { label: t("asset.certificate"), class: "nowrap", cell: (a) => certificateNumber(a.region, a.certificate_serial) || "–" },
        { label: t("col.category"), class: "nowrap", cell: (a) => enumLabel("category", a.category_name ?? a.category) },
        { label: t("asset.grade"), class: "nowrap", cell: (a) => enumLabel("grade", a.grade_name ?? a.grade) },
        { label: t("asset.kind"), class: "nowrap", cell: (a) => enumLabel("kind", a.kind_name ?? a.kind) },
        { label: t("col.holder"), cell: (a) => participantLink(a.holding_holder, language) },
        {
          label: t("col.status"),
          cell: (a) => [
            badge(enumLabel("asset_status", a.status_name ?? a.status), a.status_name === "registered" ? "ok" : "warn"),
            a.disputed ? badge(t("asset.disputed"), "bad") : null,
            a.frozen ? badge(t("asset.frozen"), "bad") : null,
            a.suspended ? badge(t("asset.suspended"), "bad") : null,
            isRecognised(a.asset_id) ? badge(t("recog.badge"), "info") : null,
          ],
        },
        { label: t("asset.registered"), cell: (a) => timeText(a.registered_at) },
      ],
      rowData: (a) => ({ assetId: a.asset_id }),
      scope: ["holder", "holding_holder", "processing_holder", "operation_holder", "q"],
      filters: [
        ["category", t("asset.category"), enumOptions("category")],
        ["grade", t("asset.grade"), enumOptions("grade")],
        ["kind", t("asset.kind"), enumOptions("kind")],
        ["status", t("asset.status"), enumOptions("asset_status").filter(([code]) => code !== 0)],
        ["disputed", t("asset.disputed"), YES_NO()],
        ["frozen", t("asset.frozen"), YES_NO()],
        ["suspended", t("asset.suspended"), YES_NO()],
      ],
    },
    query,
  );
}

/** #/trades */
export function renderTradeList(query) {
  return listPage(
    {
      name: "trade-list",
      route: "trades",
      path: "trades",
      title: t("list.trades"),
      columns: tradeColumns(lang(), { asset: true }),
      rowData: tradeRowData,
      scope: ["party", "asset_id", "exchange", "mandate_id", "trade_id"],
      filters: [
        ["on_exchange", t("col.venue"), [["true", t("venue.on")], ["false", t("venue.off")]]],
        ["consent", t("col.consent"), ["signed", "mandate", "listing", "off_exchange"].map((c) => [c, t(`consent.${c}`)])],
      ],
    },
    query,
  );
}

/** #/refusals: trades refused by batches settled trade by trade, with the contract's error. */
export function renderRefusalList(query) {
  const language = lang();
  return listPage(
    {
      name: "refusal-list",
      route: "refusals",
      path: "trades/refusals",
      title: t("list.refusals"),
      columns: [
        { label: t("col.time"), cell: (r) => timeText(r.timestamp) },
        { label: t("col.exchange"), cell: (r) => participantLink(r.exchange, language) },
        { label: t("col.item"), class: "num", cell: (r) => String(r.item_index) },
        { label: t("col.tx"), cell: (r) => hashText(r.trade_id) },
        { label: t("col.refusal"), cell: (r) => h("span", { class: "mono", title: JSON.stringify(r.error.values) }, r.error.name) },
        { label: t("col.tx"), cell: (r) => hashText(r.tx_hash) },
      ],
      rowData: (r) => ({ tradeId: r.trade_id, error: r.error.name, item: r.item_index }),
      scope: ["exchange", "trade_id", "tx_hash"],
      filters: [],
    },
    query,
  );
}

/** #/mandates: standing mandates of sellers to exchanges. */
export function renderMandateList(query) {
  return listPage(
    {
      name: "mandate-list",
      route: "mandates",
      path: "mandates",
      title: t("list.mandates"),
      columns: mandateColumns(lang()),
      rowData: (m) => ({ mandateId: m.mandate_id, status: m.status_name }),
      scope: ["seller", "exchange", "asset_id"],
      filters: [["status", t("col.status"), ["in_force", "revoked", "expired"].map((x) => [x, enumLabel("mandate_status", x)])]],
    },
    query,
  );
}

function mandateColumns(language) {
  return [{ label: t("col.asset"), cell: (m) => assetLink(m.asset_id, null, language) }, ...mandateTableColumns(language)];
}

/** #/licences; "valid" means valid at the time of the latest indexed block. */
export async function renderLicenceList(query) {
  const status = await get("status");
  const now = status.block.timestamp;
  const params = {};
  if (query.get("valid") === "now") params.valid_at = String(now);
  return listPage(
    {
      name: "licence-list",
      route: "licences",
      path: "licences",
      title: t("list.licences"),
      columns: licenceColumns(lang(), now),
      rowData: licenceRowData,
      params,
      scope: ["licensee", "licensor", "asset_id"],
      filters: [
        ["valid", t("licence.valid"), [["now", t("licence.validNow")]]],
        ["revoked", t("licence.revoked"), YES_NO()],
        ["parent_id", t("licence.parentCol"), [["0", t("licence.topLevel")]]],
      ],
    },
    query,
  );
}

/** #/participants */
export function renderParticipantList(query) {
  const language = lang();
  return listPage(
    {
      name: "participant-list",
      route: "participants",
      path: "participants",
      title: t("list.participants"),
      columns: [
        { label: t("col.name"), cell: (p) => participantLink(p.account, language) },
        { label: t("participant.roles"), cell: (p) => (p.role_names || []).map((r) => badge(enumLabel("role", r), "info")) },
        { label: t("participant.region"), class: "nowrap", cell: (p) => regionLabel(p.region) },
        { label: t("participant.status"), cell: (p) => badge(enumLabel("participant_status", p.status_name ?? p.status), p.status_name === "active" ? "ok" : "bad") },
        { label: t("participant.admitted"), cell: (p) => timeText(p.admitted_at) },
        { label: t("participant.account"), cell: (p) => h("span", { class: "mono" }, p.account) },
      ],
      rowData: (p) => ({ account: p.account }),
      filters: [
        ["role", t("participant.roles"), enumNames("role")],
        ["status", t("participant.status"), enumOptions("participant_status").filter(([code]) => code !== 0)],
      ],
    },
    query,
  );
}

function enumNames(type) {
  return enumCodes(type).map(([, name]) => [name.replace(/-/g, "_"), enumLabel(type, name)]);
}
