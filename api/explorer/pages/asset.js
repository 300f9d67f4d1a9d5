// Asset page: the record, the holders of the three rights and their timeline, the licence tree,
// trades, objections, freezes, rectification orders, valuation reports and accounting recognition (art. 19), quality
// reports (art. 9), exchange listings (art. 16-17), the opening-list entries it fulfils (art. 10) and the full event
// history.

import { get } from "../api.js";
import { h, s } from "../dom.js";
import { certificateNumber, formatAmount, formatTime, shortHash } from "../format.js";
import { enumLabel, enumName, eventLabel, lang, regionLabel, t } from "../i18n.js";
import {
  badge,
  card,
  hashText,
  isRecognised,
  kv,
  moreNote,
  namePart,
  participantLink,
  participantName,
  table,
  timeText,
} from "../ui.js";
import { licenceBadges } from "./licences.js";
import { listingsCard, listingsOf } from "./listings.js";
import { assetCard as openingCard, entriesOfAsset } from "./opening.js";
import { qualityCard, qualityReportsOf } from "./quality.js";
import { recognitionCard } from "./recognition.js";
import { tradesTable } from "./trades.js";

const RIGHTS = ["holding", "processing", "operation"];

function statusBadges(a) {
  const status = a.status_name ?? a.status;
  const kind = status === "registered" ? "ok" : status === "pending" ? "warn" : "bad";
  return [
    badge(enumLabel("asset_status", status), kind),
    a.disputed ? badge(t("asset.disputed"), "bad") : null,
    a.frozen ? badge(t("asset.frozen"), "bad") : null,
    a.suspended ? badge(t("asset.suspended"), "bad") : null,
    a.anonymised ? badge(t("asset.anonymised"), "info") : null,
  ];
}

function holderOf(a, right) {
  return a[`${right}_holder`];
}

function details(a, language) {
  return card(
    "details",
    t("asset.title"),
    kv([
      [t("asset.certificate"), certificateNumber(a.region, a.certificate_serial) || "–", "certificate"],
      [t("asset.category"), enumLabel("category", a.category_name ?? a.category), "category"],
      [t("asset.grade"), enumLabel("grade", a.grade_name ?? a.grade), "grade"],
      [t("asset.kind"), enumLabel("kind", a.kind_name ?? a.kind), "kind"],
      [t("asset.region"), regionLabel(a.region), "region"],
      [t("asset.status"), statusBadges(a), "status"],
      [t("asset.registered"), formatTime(a.registered_at), "registered"],
      [t("asset.applicant"), participantLink(a.applicant, language), "applicant"],
      [t("asset.registrar"), a.registrar ? participantLink(a.registrar, language) : "–", "registrar"],
      [t("asset.licensedUntil"), Number(a.licensed_until) ? formatTime(a.licensed_until).slice(0, 10) : null, "licensed-until"],
      [t("asset.shares"), revenueShares(a, language), "revenue-shares"],
      [t("asset.contentHash"), h("span", { class: "mono" }, a.content_hash || "–"), "content-hash"],
    ]),
  );
}

function holders(a, language) {
  return table(
    "holders",
    [
      { label: t("col.right"), cell: (r) => enumLabel("right", r) },
      { label: t("col.holder"), cell: (r) => participantLink(holderOf(a, r), language) },
    ],
    RIGHTS,
    (r) => ({ right: r, holder: holderOf(a, r) }),
  );
}

// ─────────────────────────────────────────── rights timeline

const TL = { width: 1100, lane: 30, gap: 8, left: 150, right: 12, top: 8, axis: 30 };

/** Spans {right, holder, from_block, to_block (null: still held), from_timestamp, to_timestamp}. */
function timelineSegments(history) {
  const segments = history.rights_timeline || [];
  return segments.map((seg) => ({ ...seg, right: enumName("right", seg.right_name ?? seg.right) }));
}

function fits(text, px) {
  let width = 0;
  for (const ch of text) width += ch.charCodeAt(0) > 0x2e80 ? 12 : 6.6;
  return width <= px;
}

function rightsTimeline(history, headBlock, language) {
  const segments = timelineSegments(history);
  if (segments.length === 0) return h("p", { class: "muted" }, t("common.none"));
  const first = Math.min(...segments.map((seg) => Number(seg.from_block)));
  const last = Math.max(headBlock, ...segments.map((seg) => Number(seg.to_block ?? seg.from_block)));
  const span = Math.max(1, last - first);
  const plotW = TL.width - TL.left - TL.right;
  const xOf = (block) => TL.left + (plotW * (Number(block) - first)) / span;
  const height = TL.top + RIGHTS.length * (TL.lane + TL.gap) + TL.axis;
  const svg = s("svg", { viewBox: `0 0 ${TL.width} ${height}`, class: "timeline-svg", role: "img", "aria-label": t("asset.timeline") });
  const colours = new Map();
  RIGHTS.forEach((right, lane) => {
    const y = TL.top + lane * (TL.lane + TL.gap);
    svg.append(
      s("text", { x: 0, y: y + TL.lane / 2 + 4, class: "lane-label" }, enumLabel("right", right)),
      s("rect", { x: TL.left, y, width: plotW, height: TL.lane, class: "lane-bg", rx: 4 }),
    );
    for (const seg of segments.filter((x) => x.right === right)) {
      if (!colours.has(seg.holder)) colours.set(seg.holder, colours.size % 6);
      const x0 = xOf(seg.from_block);
      const x1 = seg.to_block === null || seg.to_block === undefined ? xOf(last) : xOf(seg.to_block);
      const width = Math.max(3, x1 - x0);
      const name = namePart(participantName(seg.holder) || seg.holder, language);
      svg.append(
        s(
          "g",
          {
            class: "segment",
            dataset: { right, holder: seg.holder, fromBlock: seg.from_block, toBlock: seg.to_block ?? "" },
          },
          s("title", {}, `${enumLabel("right", right)}: ${name} — ${t("timeline.block")} ${seg.from_block}–${seg.to_block ?? ""}`),
          s("rect", { x: x0, y, width, height: TL.lane, rx: 4, class: `seg-${colours.get(seg.holder)}` }),
          fits(name, width - 10) ? s("text", { x: x0 + 6, y: y + TL.lane / 2 + 4 }, name) : null,
        ),
      );
    }
  });
  const axisY = TL.top + RIGHTS.length * (TL.lane + TL.gap) + 14;
  const firstSeg = segments.find((seg) => Number(seg.from_block) === first);
  svg.append(
    s("text", { x: TL.left, y: axisY, class: "axis" }, `${t("timeline.block")} ${first}${firstSeg && firstSeg.from_timestamp ? " · " + formatTime(firstSeg.from_timestamp) : ""}`),
    s("text", { x: TL.width - TL.right, y: axisY, class: "axis", "text-anchor": "end" }, `${t("timeline.block")} ${last}`),
  );
  const list = h(
    "ul",
    { class: "timeline-list" },
    segments.map((seg) =>
      h(
        "li",
        { dataset: { right: seg.right, holder: seg.holder } },
        `${enumLabel("right", seg.right)}: `,
        participantLink(seg.holder, language),
        ` — ${t("asset.since")} ${t("timeline.block")} ${seg.from_block}`,
        seg.from_timestamp ? ` (${formatTime(seg.from_timestamp)})` : "",
        seg.to_block !== null && seg.to_block !== undefined ? ` → ${t("timeline.block")} ${seg.to_block}` : "",
      ),
    ),
  );
  return h("div", { class: "timeline" }, svg, list);
}

// ─────────────────────────────────────────── licence tree

function licenceTreeRoots(licences) {
  if (licences.some((l) => Array.isArray(l.children))) return licences;
  const byParent = new Map();
  for (const l of licences) {
    const parent = Number(l.parent_id) || 0;
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push({ ...l, children: [] });
  }
  const ids = new Set(licences.map((l) => Number(l.licence_id)));
  const attach = (node) => {
    node.children = (byParent.get(Number(node.licence_id)) || []).map(attach);
    return node;
  };
  // Roots: licences granted by a right holder, or whose parent is not in the list.
  return licences
    .filter((l) => !Number(l.parent_id) || !ids.has(Number(l.parent_id)))
    .map((l) => attach({ ...l, children: [] }));
}

function licenceNode(l, language, now) {
  const flags = licenceBadges(l, now);
  const children = l.children || [];
  return h(
    "li",
    { dataset: { licenceId: l.licence_id, depth: l.depth, parentId: l.parent_id || 0, valid: l.valid ?? "", sold: l.sold ?? "" } },
    h(
      "div",
      { class: l.revoked ? "licence revoked" : "licence" },
      h("span", { class: "head" }, `${enumLabel("delivery", "licence")} #${l.licence_id}`),
      enumLabel("right", l.right_name ?? l.right),
      " ",
      flags,
      h(
        "div",
        { class: "terms" },
        `${t("licence.from")} `,
        participantLink(l.licensor, language),
        ` → ${t("licence.to")} `,
        participantLink(l.licensee, language),
        ` · ${t("licence.purpose")} ${l.purpose} · ${t("licence.term")} ${formatTime(l.starts_at).slice(0, 10)} – ${formatTime(l.ends_at).slice(0, 10)}`,
      ),
    ),
    children.length ? h("ul", {}, children.map((c) => licenceNode(c, language, now))) : null,
  );
}

function licenceTree(licences, language, now) {
  if (!licences.length) return h("p", { class: "muted" }, t("asset.noLicences"));
  return h("ul", { class: "tree", dataset: { tree: "licences" } }, licenceTreeRoots(licences).map((l) => licenceNode(l, language, now)));
}

// ─────────────────────────────────────────── supervision

function objections(list, language) {
  return table(
    "objections",
    [
      { label: t("col.id"), cell: (o) => `#${o.objection_id}` },
      { label: t("col.objector"), cell: (o) => participantLink(o.objector, language) },
      {
        label: t("col.status"),
        cell: (o) => {
          const status = enumName("objection_status", o.status_name ?? o.status);
          return badge(enumLabel("objection_status", status), status === "open" ? "bad" : status === "pending" ? "warn" : "info");
        },
      },
      { label: t("col.time"), cell: (o) => timeText(o.lodged_at) },
      { label: t("col.accepted"), cell: (o) => (o.accepted_by ? [participantLink(o.accepted_by, language), " ", timeText(o.accepted_at)] : "–") },
      { label: t("col.document"), cell: (o) => hashText(o.evidence_hash) },
    ],
    list,
    (o) => ({ objectionId: o.objection_id, status: enumName("objection_status", o.status_name ?? o.status) }),
  );
}

function publicOperations(list, language) {
  return table(
    "public-operations",
    [
      { label: t("col.operator"), cell: (o) => participantLink(o.operator, language) },
      { label: t("col.right"), cell: (o) => enumLabel("right", o.right_name ?? o.right) },
      { label: t("col.purpose"), class: "num", cell: (o) => String(o.purpose) },
      { label: t("col.status"), cell: (o) => badge(enumLabel("operation_status", o.status_name), o.status_name === "withdrawn" ? "warn" : "ok") },
      { label: t("col.licence"), cell: (o) => (o.licence_id ? `#${o.licence_id}` : "–") },
      { label: t("col.by"), cell: (o) => participantLink(o.authorised_by, language) },
      { label: t("col.time"), cell: (o) => timeText(o.authorised_at) },
    ],
    list,
    (o) => ({ operator: o.operator, status: o.status_name, licenceId: o.licence_id ?? "" }),
  );
}

export function mandatesTable(name, list, language) {
  return table(name, mandateTableColumns(language), list, (m) => ({ mandateId: m.mandate_id, status: m.status_name }));
}

/** The columns of a mandates table (the asset's own page leaves out the asset). */
export function mandateTableColumns(language) {
  return [
      { label: t("col.seller"), cell: (m) => participantLink(m.seller, language) },
      { label: t("col.exchange"), cell: (m) => participantLink(m.exchange, language) },
      {
        label: t("col.right"),
        cell: (m) => [enumLabel("right", m.right_name ?? m.right), " · ", enumLabel("delivery", m.delivery_name ?? m.delivery)],
      },
      { label: t("col.minNet"), class: "num", cell: (m) => formatAmount(m.min_net) },
      {
        label: t("col.maxDuration"),
        class: "num",
        cell: (m) => (m.delivery_name === "license" ? t("days", { n: Math.floor(Number(m.max_duration) / 86400) }) : "–"),
      },
      { label: t("col.expiry"), cell: (m) => timeText(m.expiry) },
      {
        label: t("col.status"),
        cell: (m) => badge(enumLabel("mandate_status", m.status_name), m.status_name === "in_force" ? "ok" : "warn"),
      },
      { label: t("col.trades"), cell: (m) => h("a", { href: `#/trades?mandate_id=${m.mandate_id}`, title: m.mandate_id }, shortHash(m.mandate_id)) },
  ];
}

function freezes(list, language) {
  return table(
    "freezes",
    [
      { label: t("col.action"), cell: (f) => badge(f.frozen ? t("freeze.frozen") : t("freeze.unfrozen"), f.frozen ? "bad" : "ok") },
      { label: t("col.by"), cell: (f) => participantLink(f.by, language) },
      { label: t("col.time"), cell: (f) => timeText(f.timestamp) },
      { label: t("col.tx"), cell: (f) => hashText(f.tx_hash) },
    ],
    list,
    (f) => ({ frozen: f.frozen }),
  );
}

export function ordersTable(list, language) {
  return table(
    "orders",
    [
      { label: t("col.id"), cell: (o) => `#${o.order_id}` },
      { label: t("col.target"), cell: (o) => enumLabel("order_target", o.target_name ?? o.target) },
      { label: t("col.issuedBy"), cell: (o) => participantLink(o.issued_by, language) },
      { label: t("col.status"), cell: (o) => enumLabel("order_status", o.status_name ?? o.status) },
      { label: t("col.time"), cell: (o) => timeText(o.opened_at) },
      { label: t("col.document"), cell: (o) => hashText(o.document_hash) },
    ],
    list,
    (o) => ({ orderId: o.order_id }),
  );
}

export function valuationsTable(list, language) {
  return table(
    "valuations",
    [
      { label: t("col.id"), cell: (v) => `#${v.valuation_id}` },
      { label: t("col.appraiser"), cell: (v) => participantLink(v.appraiser, language) },
      { label: t("col.method"), cell: (v) => enumLabel("valuation_method", v.method_name) },
      { label: t("col.value"), class: "num", cell: (v) => (v.currency === "CNY" ? formatAmount(v.value) : `${v.value} ${v.currency}`) },
      { label: t("col.baseDate"), cell: (v) => timeText(v.base_date) },
      { label: t("col.validUntil"), cell: (v) => timeText(v.valid_until) },
      {
        label: t("col.status"),
        cell: (v) => [enumLabel("valuation_status", v.status_name), v.usable ? [" ", badge(t("valuation.usable"), "ok")] : null],
      },
      { label: t("col.document"), cell: (v) => hashText(v.report_hash) },
    ],
    list,
    (v) => ({ valuationId: v.valuation_id, status: v.status_name, usable: String(v.usable) }),
  );
}

/** The asset's recognition in its holder's accounts and every change of it; null: never recognised. */
function accounting(detail, language) {
  if (!detail) return h("p", { class: "muted", dataset: { field: "accounting" } }, t("accounting.none"));
  const r = detail.recognition;
  const ended = r.status_name !== "recognised";
  return [
    kv([
      [t("accounting.holder"), participantLink(r.holder, language), "holder"],
      [t("col.status"), enumLabel("recognition_kind", ended ? "derecognised" : "recognised"), "status"],
      [t("accounting.category"), enumLabel("accounting_category", r.category_name), "category"],
      [t("accounting.amount"), formatAmount(r.carrying_amount), "carrying-amount"],
      [t("accounting.valuation"), `#${r.valuation_id}`, "valuation"],
      [t("accounting.period"), [timeText(r.period_start), " – ", timeText(r.period_end)], "period"],
    ]),
    !ended && !detail.holder_holds_the_asset ? h("p", { class: "notice", dataset: { field: "stale" } }, t("accounting.stale")) : null,
    h("h3", {}, t("accounting.history")),
    table(
      "recognition-history",
      [
        { label: t("col.time"), cell: (e) => timeText(e.timestamp) },
        {
          label: t("col.kind"),
          cell: (e) => [enumLabel("recognition_kind", e.kind), e.measurement_name ? ` (${enumLabel("measurement", e.measurement_name)})` : ""],
        },
        { label: t("col.holder"), cell: (e) => participantLink(e.holder, language) },
        { label: t("accounting.amount"), class: "num", cell: (e) => formatAmount(e.carrying_amount) },
        { label: t("col.tx"), cell: (e) => hashText(e.tx_hash) },
      ],
      detail.history,
      (e) => ({ kind: e.kind }),
    ),
  ];
}

/** The asset's recognition with its history, or null when it was never recognised (asked of the list first: a
 * request answered 404 would show as an error in the browser's console). */
async function accountsOf(assetId, at) {
  const found = await get("recognitions", { asset_id: assetId, status: "any", at });
  return found.data.length ? get(`recognitions/${assetId}`, { at }) : null;
}

function historyTable(assetId, events, language) {
  return table(
    "history",
    [
      {
        label: t("col.block"),
        class: "num",
        cell: (e) => h("a", { href: `#/asset/${assetId}?at=${e.block_number}`, title: t("asset.asOfLink"), dataset: { at: e.block_number } }, String(e.block_number)),
      },
      { label: t("col.time"), cell: (e) => timeText(e.timestamp) },
      { label: t("col.event"), cell: (e) => eventLabel(e.name) },
      { label: t("col.actor"), cell: (e) => participantLink(e.actor, language) },
      { label: t("col.tx"), cell: (e) => hashText(e.tx_hash) },
    ],
    events,
    (e) => ({ event: e.name }),
  );
}

/** Revenue shares per right: "加工使用权: 交警支队 20% · 城管局 10%". */
function revenueShares(a, language) {
  const shares = a.revenue_shares || [];
  if (!shares.length) return null;
  const byRight = new Map();
  for (const x of shares) {
    const right = enumName("right", x.right_name ?? x.right);
    if (!byRight.has(right)) byRight.set(right, []);
    byRight.get(right).push(x);
  }
  return h(
    "span",
    { class: "shares" },
    [...byRight].map(([right, list], i) =>
      h(
        "span",
        { dataset: { right } },
        i ? " ; " : "",
        `${enumLabel("right", right)}: `,
        list.map((x, j) => [j ? " · " : "", participantLink(x.recipient, language), ` ${(Number(x.bps) / 100).toFixed(2).replace(/\.?0+$/, "")}%`]),
      ),
    ),
  );
}

/** A note that the page shows the state as of an earlier block, with the way back. */
export function asOfNotice(at, latestHref) {
  if (!at) return null;
  return h(
    "div",
    { class: "notice as-of", dataset: { at } },
    h("strong", {}, t("asOf.title", { block: at })),
    " ",
    h("a", { href: latestHref }, t("asOf.latest")),
  );
}

/** The asset page of assetId, as of block at (null: the current state). */
export async function renderAsset(assetId, at = null) {
  const [detail, history, recognition, valuations, accounts, quality, listings] = await Promise.all([
    get(`assets/${assetId}`, { at }),
    get(`assets/${assetId}/history`, { at, limit: 1000 }),
    isRecognised(assetId, at) ? get(`recognition/records/${assetId}`, { at }) : null,
    get("valuations", { asset_id: assetId, at, limit: 1000 }),
    accountsOf(assetId, at),
    qualityReportsOf(assetId, at),
    listingsOf({ asset_id: assetId }, at),
  ]);
  const a = detail.data;
  const opening = await entriesOfAsset(a, at); // a public-data asset only
  const language = lang();
  const events = history.data.events || [];
  return h(
    "div",
    { class: "asset", dataset: { assetId: a.asset_id, at: at ?? "" } },
    asOfNotice(at, `#/asset/${a.asset_id}`),
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, `${t("asset.title")} #${a.asset_id}`),
      h("span", { class: "sub", dataset: { field: "name" } }, namePart(a.name, language)),
      statusBadges(a),
      recognition ? badge(t("recog.badge"), "info") : null,
    ),
    h("div", { class: "grid-2" }, details(a, language), card("holders", t("asset.holders"), holders(a, language))),
    recognition ? recognitionCard(recognition.data, language) : null,
    opening.length ? openingCard(opening, language, at) : null,
    card("timeline", t("asset.timeline"), rightsTimeline(history.data, history.block.number, language)),
    card("licences", t("asset.licences"), licenceTree(a.licences || [], language, detail.block.timestamp)),
    card(
      "trades",
      t("asset.trades"),
      tradesTable("asset-trades", a.trades || [], language),
      Number(a.trade_count) > (a.trades || []).length
        ? moreNote({ next_cursor: true, data: a.trades }, `#/trades?asset_id=${a.asset_id}`)
        : null,
    ),
    h(
      "div",
      { class: "grid-2" },
      card("objections", t("asset.objections"), objections(a.objections || [], language)),
      card("freezes", t("asset.freezes"), freezes(a.freezes || [], language)),
    ),
    card("orders", t("asset.orders"), ordersTable(a.orders || [], language)),
    card("valuations", t("asset.valuations"), valuationsTable(valuations.data, language)),
    card("accounting", t("asset.accounting"), accounting(accounts && accounts.data, language)),
    qualityCard(a, quality, at),
    (a.public_operations || []).length ? card("public-operations", t("asset.operations"), publicOperations(a.public_operations, language)) : null,
    listings.data.length
      ? listingsCard("asset-listings", t("asset.listings"), listings, language, { exchange: true, seller: true }, { asset_id: a.asset_id }, at)
      : null,
    (a.mandates || []).length ? card("mandates", t("asset.mandates"), mandatesTable("asset-mandates", a.mandates, language)) : null,
    card(
      "history",
      t("asset.history"),
      historyTable(a.asset_id, events, language),
      history.next_cursor ? h("p", { class: "muted" }, t("common.more", { n: events.length })) : null,
    ),
  );
}
