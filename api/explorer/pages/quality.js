// Data quality (art. 9, 问题数据可追溯、可定责): quality reports of an asset's content with their answers, fixes and
// rulings; the trace of a content hash (#/trace/0x…): the asset carrying it, its registration and change
// registrations, the licences and trades that delivered it and the reports that name it.

import { get } from "../api.js";
import { h } from "../dom.js";
import { formatAmount } from "../format.js";
import { enumLabel, enumName, lang, t } from "../i18n.js";
import { assetLink, badge, card, hashText, kv, moreNote, participantLink, table, timeText } from "../ui.js";
import { asOfNotice } from "./asset.js";

const LISTED = 1000;

const STATUS_KIND = {
  filed: "warn",
  acknowledged: "info",
  disputed: "warn",
  overdue: "bad",
  fixed: "ok",
  upheld: "bad",
  dismissed: "info",
  withdrawn: "",
};

/** A report's status as a badge; one filed and unanswered past its deadline (overdue, marked or not) flagged red. */
function statusCell(r) {
  const status = enumName("quality_status", r.status_name ?? r.status);
  return [
    badge(enumLabel("quality_status", status), STATUS_KIND[status] ?? ""),
    r.past_deadline && status !== "overdue" ? [" ", badge(t("quality.pastDeadline"), "bad")] : null,
  ];
}

/** The holder's answer: who, when, its document; "–" while unanswered. */
function answerCell(r, language) {
  if (!r.answer_hash) return r.holder ? participantLink(r.holder, language) : "–";
  return [participantLink(r.holder, language), " ", timeText(r.answered_at), " ", hashText(r.answer_hash)];
}

/** The fix (the corrected dataset's registration), the ruling, or the reporter's withdrawal. */
function outcomeCell(r, language) {
  const parts = [];
  if (r.fixed_asset_id !== null && r.fixed_asset_id !== undefined) {
    parts.push(h("span", { dataset: { field: "fix" } }, `${t("quality.fixedBy")} `, assetLink(r.fixed_asset_id), " ", hashText(r.fix_hash)));
  }
  if (r.ruled_by) {
    parts.push(h("span", { dataset: { field: "ruling" } }, `${t("quality.ruledBy")} `, participantLink(r.ruled_by, language), " ", hashText(r.ruling_hash)));
  }
  if (r.withdrawal_hash) {
    parts.push(h("span", { dataset: { field: "withdrawal" } }, `${t("quality.withdrawnBecause")} `, hashText(r.withdrawal_hash)));
  }
  return parts.length ? parts.map((p, i) => [i ? h("br") : null, p]) : "–";
}

/** Quality reports; options.asset adds the asset reported. */
export function qualityTable(name, list, language, options = {}) {
  return table(
    name,
    [
      { label: t("col.id"), cell: (r) => `#${r.report_id}` },
      options.asset ? { label: t("col.asset"), cell: (r) => assetLink(r.asset_id, null, language) } : null,
      { label: t("quality.problem"), cell: (r) => enumLabel("quality_problem", r.problem_name ?? r.problem) },
      { label: t("quality.severity"), cell: (r) => enumLabel("quality_severity", r.severity_name ?? r.severity) },
      { label: t("quality.reporter"), cell: (r) => participantLink(r.reporter, language) },
      { label: t("quality.filed"), cell: (r) => timeText(r.filed_at) },
      { label: t("quality.deadline"), cell: (r) => timeText(r.deadline) },
      { label: t("col.status"), cell: (r) => statusCell(r) },
      { label: t("quality.answer"), cell: (r) => answerCell(r, language) },
      { label: t("quality.outcome"), cell: (r) => outcomeCell(r, language) },
      { label: t("quality.evidence"), cell: (r) => hashText(r.evidence_hash) },
    ].filter(Boolean),
    list,
    (r) => ({
      reportId: r.report_id,
      status: r.status_name,
      problem: r.problem_name,
      severity: r.severity_name,
      reporter: r.reporter,
      pastDeadline: String(Boolean(r.past_deadline)),
      fixedAssetId: r.fixed_asset_id ?? "",
      flag: r.past_deadline ? "overdue" : null,
    }),
    t("quality.none"),
  );
}

/** The href of the trace of a content hash, as of block at (null: now). */
export function traceHref(contentHash, at) {
  return `#/trace/${contentHash}${at ? `?at=${at}` : ""}`;
}

function isContent(hash) {
  return /^0x[0-9a-fA-F]{64}$/.test(hash || "") && !/^0x0{64}$/.test(hash);
}

/** The asset page's card: its quality reports and a link to the trace of its content. */
export function qualityCard(a, page, at) {
  const language = lang();
  const overdue = page.data.filter((r) => r.past_deadline).length;
  return card(
    "quality",
    t("asset.quality"),
    h(
      "p",
      { class: "muted", dataset: { field: "quality-counts", reports: page.data.length, overdue } },
      t("quality.count", { n: page.data.length }),
      overdue ? [" ", badge(t("quality.overdueCount", { n: overdue }), "bad")] : null,
    ),
    qualityTable("quality-reports", page.data, language),
    moreNote(page, null),
    isContent(a.content_hash)
      ? h(
          "p",
          { class: "trace-link", dataset: { field: "trace" } },
          `${t("quality.traceNote")} `,
          h("a", { href: traceHref(a.content_hash, at), id: "trace-link" }, t("quality.traceLink")),
        )
      : null,
  );
}

/** The asset's quality reports as of block at. */
export function qualityReportsOf(assetId, at) {
  return get("quality-reports", { asset_id: assetId, at, limit: LISTED });
}

function versionsTable(assetId, versions, language) {
  return table(
    "trace-versions",
    [
      { label: t("col.kind"), cell: (v) => enumLabel("trace_version", v.kind) },
      {
        label: t("col.block"),
        class: "num",
        cell: (v) => h("a", { href: `#/asset/${assetId}?at=${v.block}`, title: t("asset.asOfLink"), dataset: { at: v.block } }, String(v.block)),
      },
      { label: t("col.time"), cell: (v) => timeText(v.at) },
      { label: t("col.by"), cell: (v) => participantLink(v.by, language) },
      { label: t("trace.metadata"), cell: (v) => hashText(v.metadata_hash) },
    ],
    versions,
    (v) => ({ kind: v.kind, block: v.block }),
  );
}

function licencesTable(assetId, licences, language) {
  return table(
    "trace-licences",
    [
      {
        label: t("col.licence"),
        cell: (l) => h("a", { href: `#/licences?asset_id=${assetId}&licensee=${l.licensee}`, dataset: { licenceId: l.licence_id } }, `#${l.licence_id}`),
      },
      { label: t("trace.licensor"), cell: (l) => participantLink(l.licensor, language) },
      { label: t("trace.licensee"), cell: (l) => participantLink(l.licensee, language) },
      { label: t("trace.parent"), cell: (l) => (Number(l.parent_id) ? `#${l.parent_id}` : "–") },
      { label: t("col.status"), cell: (l) => (l.revoked ? badge(t("trace.revoked"), "bad") : badge(t("trace.inForce"), "ok")) },
    ],
    licences,
    (l) => ({ licenceId: l.licence_id, parentId: l.parent_id, revoked: String(Boolean(l.revoked)) }),
  );
}

function tradesTable(trades, language) {
  return table(
    "trace-trades",
    [
      { label: t("col.time"), cell: (x) => timeText(x.timestamp) },
      { label: t("col.seller"), cell: (x) => participantLink(x.seller, language) },
      { label: t("col.buyer"), cell: (x) => participantLink(x.buyer, language) },
      { label: t("col.exchange"), cell: (x) => participantLink(x.exchange, language) },
      { label: t("col.price"), class: "num", cell: (x) => formatAmount(x.price) },
      { label: t("trace.tradeKey"), cell: (x) => hashText(x.trade_key) },
    ],
    trades,
    (x) => ({ tradeKey: x.trade_key, price: x.price }),
  );
}

/** The trace page of a content hash, as of block at (null: the current state). */
export async function renderTrace(contentHash, at = null) {
  const trace = await get(`trace/${contentHash}`, { at });
  const d = trace.data;
  const language = lang();
  const reports = d.quality_reports || [];
  return h(
    "div",
    { class: "trace", dataset: { contentHash: d.content_hash, assetId: d.asset_id, at: at ?? "" } },
    asOfNotice(at, traceHref(d.content_hash, null)),
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, t("trace.title")),
      h("span", { class: "sub mono", dataset: { field: "content-hash" } }, d.content_hash),
      reports.some((r) => r.past_deadline) ? badge(t("quality.pastDeadline"), "bad") : null,
    ),
    card(
      "trace-asset",
      t("trace.asset"),
      kv([
        [t("col.asset"), assetLink(d.asset_id, d.name, language), "asset"],
        [t("asset.status"), badge(enumLabel("asset_status", d.status_name)), "status"],
        [t("asset.applicant"), participantLink(d.applicant, language), "applicant"],
        [t("asset.registrar"), d.registrar ? participantLink(d.registrar, language) : "–", "registrar"],
        [t("trace.holder"), participantLink(d.holding_holder, language), "holding-holder"],
      ]),
    ),
    card("trace-versions", t("trace.versions"), versionsTable(d.asset_id, d.versions || [], language)),
    card("trace-licences", t("trace.licences"), licencesTable(d.asset_id, d.licences || [], language)),
    card("trace-trades", t("trace.trades"), tradesTable(d.trades || [], language)),
    card("trace-quality", t("asset.quality"), qualityTable("trace-quality", reports, language, { asset: true })),
  );
}

/** The participant page's card of its quality defaults (reports it left unanswered past the deadline). */
export function defaultsCard(page) {
  const defaults = page.data.reduce((sum, d) => sum + Number(d.defaults), 0);
  if (!defaults) return null;
  return card(
    "quality-defaults",
    t("participant.qualityDefaults"),
    h(
      "p",
      { class: "notice", dataset: { field: "quality-defaults", defaults, flag: "default" } },
      badge(t("quality.defaults", { n: defaults }), "bad"),
      " ",
      t("quality.defaultsNote"),
    ),
  );
}
