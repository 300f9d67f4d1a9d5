// The governance (治理): the contracts' pauses (each contract's state, and every pause and unpause: who, why, when),
// the council's operations at the access manager (pending with their earliest execution time, executed,
// cancelled), the officers' Safes with their officers and thresholds, the roles' members, and the officers' latest
// Safe transactions with who signed them.

import { get, getAll } from "../api.js";
import { h } from "../dom.js";
import { formatTime } from "../format.js";
import { FUNCTIONS } from "../functions.js";
import { lang, t } from "../i18n.js";
import { badge, card, contractLabel, hashText, participantLink, table, timeText } from "../ui.js";

const STATUS_KIND = { pending: "warn", ready: "info", executed: "ok", cancelled: "bad", expired: "bad" };
const ROLE_NAMES = { 0: "gov.role.admin", 1: "gov.role.council", 2: "gov.role.guardian", 3: "gov.role.emergency" };

/** The called function's name, from its selector (the selector itself when unknown). */
export function functionName(selector) {
  return FUNCTIONS[selector] || selector;
}

function roleName(id) {
  const key = ROLE_NAMES[id];
  return key ? t(key) : `#${id}`;
}

function operationTable(operations) {
  return table(
    "governance-operations",
    [
      { label: t("col.status"), cell: (o) => badge(t(`gov.status.${o.status}`), STATUS_KIND[o.status]) },
      { label: t("gov.function"), cell: (o) => h("span", { title: o.target }, functionName(o.selector)) },
      { label: t("gov.readyAt"), cell: (o) => h("span", { title: formatTime(o.ready_at) }, formatTime(o.ready_at)) },
      { label: t("gov.scheduled"), cell: (o) => h("span", {}, `#${o.scheduled_block} `, timeText(o.scheduled_at)) },
      { label: t("gov.closed"), cell: (o) => (o.closed_block ? `#${o.closed_block}` : "–") },
      { label: t("gov.operation"), cell: (o) => hashText(o.operation_id), class: "mono" },
    ],
    operations,
    (o) => ({ operationId: o.operation_id, status: o.status }),
    t("gov.noOperations"),
  );
}

function safesTable(safes) {
  return table(
    "governance-safes",
    [
      { label: t("gov.safe"), cell: (s) => t(`gov.safe.${s.safe}`) },
      { label: t("gov.threshold"), cell: (s) => `${s.threshold} / ${s.owners.length}` },
      { label: t("gov.officers"), cell: (s) => h("span", {}, s.owners.map((o, i) => [i ? ", " : "", hashText(o)])) },
      { label: t("gov.nonce"), cell: (s) => String(s.nonce) },
    ],
    safes,
    (s) => ({ safe: s.safe, threshold: s.threshold }),
  );
}

function rolesTable(roles) {
  const rows = roles.flatMap((r) => r.members.map((m) => ({ ...m, role_id: r.role_id })));
  return table(
    "governance-roles",
    [
      { label: t("gov.role"), cell: (m) => roleName(m.role_id) },
      { label: t("gov.member"), cell: (m) => hashText(m.account), class: "mono" },
      { label: t("gov.delay"), cell: (m) => `${m.execution_delay} s` },
      { label: t("gov.since"), cell: (m) => timeText(m.since) },
    ],
    rows,
    (m) => ({ roleId: m.role_id, account: m.account }),
  );
}

function transactionsTable(transactions) {
  return table(
    "governance-transactions",
    [
      { label: t("gov.safe"), cell: (x) => t(`gov.safe.${x.safe}`) },
      { label: t("gov.nonce"), cell: (x) => String(x.nonce) },
      { label: t("gov.function"), cell: (x) => functionName(x.selector) },
      { label: t("gov.signers"), cell: (x) => h("span", {}, x.signers.map((s, i) => [i ? ", " : "", hashText(s)])) },
      { label: t("col.block"), cell: (x) => `#${x.block}` },
      { label: t("col.tx"), cell: (x) => hashText(x.tx_hash), class: "mono" },
    ],
    transactions,
    (x) => ({ safe: x.safe, nonce: x.nonce }),
  );
}

function contractCell(name) {
  return h("span", { title: name }, contractLabel(name));
}

/** Each pausable contract: paused or running, and its latest pause or unpause. */
function pausesTable(contracts) {
  return table(
    "contract-pauses",
    [
      { label: t("gov.contract"), cell: (c) => contractCell(c.contract) },
      { label: t("gov.state"), cell: (c) => (c.paused ? badge(t("gov.paused"), "bad") : badge(t("gov.running"), "ok")) },
      { label: t("gov.lastChange"), cell: (c) => (c.changed_block === null ? "–" : `#${c.changed_block}`) },
      { label: t("gov.reason"), cell: (c) => (c.reason_hash ? hashText(c.reason_hash) : "–"), class: "mono" },
    ],
    contracts,
    (c) => ({ contract: c.contract, paused: String(c.paused) }),
  );
}

/** Every pause and unpause, newest first. */
function pauseHistoryTable(contracts) {
  const changes = contracts
    .flatMap((c) => c.history.map((x) => ({ ...x, contract: c.contract })))
    .sort((a, b) => b.block - a.block || a.contract.localeCompare(b.contract));
  return table(
    "pause-history",
    [
      { label: t("col.block"), cell: (x) => h("span", {}, `#${x.block} `, timeText(x.timestamp)) },
      { label: t("gov.contract"), cell: (x) => contractCell(x.contract) },
      { label: t("gov.change"), cell: (x) => (x.paused ? badge(t("gov.paused"), "bad") : badge(t("gov.unpaused"), "ok")) },
      { label: t("gov.changedBy"), cell: (x) => participantLink(x.changed_by, lang()) },
      { label: t("gov.reason"), cell: (x) => hashText(x.reason_hash), class: "mono" },
    ],
    changes,
    (x) => ({ contract: x.contract, paused: String(x.paused), block: x.block }),
    t("gov.noPauses"),
  );
}

/** #/governance */
export async function renderGovernance() {
  const [overview, operations, pauses] = await Promise.all([
    get("governance"), getAll("governance/operations", {}, 1000), get("governance/pauses"),
  ]);
  const g = overview.data;
  const p = pauses.data;
  const open = operations.filter((o) => o.status === "pending" || o.status === "ready");
  const closed = operations.filter((o) => o.status !== "pending" && o.status !== "ready").reverse();
  return h(
    "div",
    { class: "governance-page" },
    h("h1", {}, t("gov.title")),
    h("p", { class: "muted" }, t("gov.intro")),
    card("governance-pauses", `${t("gov.pauses")} (${p.paused_contracts.length} / ${p.contracts.length})`, pausesTable(p.contracts)),
    card("governance-pause-history", t("gov.pauseHistory"), pauseHistoryTable(p.contracts)),
    card("governance-pending", `${t("gov.pending")} (${open.length})`, operationTable(open)),
    card("governance-safes", t("gov.safes"), safesTable(g.safes)),
    card("governance-history", t("gov.history"), operationTable(closed)),
    card("governance-roles", t("gov.roles"), rolesTable(g.roles)),
    card("governance-transactions", t("gov.transactions"), transactionsTable(g.recent)),
  );
}
