// Shared pieces of the pages: cards, tables, key-value lists, links to assets and participants.

import { h } from "./dom.js";
import { formatMinute, formatTime, shortHash } from "./format.js";
import { t } from "./i18n.js";

const participantNames = new Map();
const recognised = new Map(); // local asset id -> block of the import

/** Remembers which local assets are recognised registrations of another province. */
export function rememberRecognised(records) {
  recognised.clear();
  for (const r of records) recognised.set(String(r.local_asset_id), Number(r.imported_block));
}

/** Whether the asset is a recognised registration (as of block `at`, null: now). */
export function isRecognised(assetId, at = null) {
  const imported = recognised.get(String(assetId));
  return imported !== undefined && (at === null || imported <= Number(at));
}

/** Remembers the on-chain names of participants (address -> name) for links. */
export function rememberParticipants(list) {
  for (const p of list) if (p && p.account) participantNames.set(p.account.toLowerCase(), p.name);
}

/** The remembered on-chain name of a participant, or undefined. */
export function participantName(address) {
  return address ? participantNames.get(String(address).toLowerCase()) : undefined;
}

/**
 * The part of a bilingual on-chain name ("南宁市交通运输局 Nanning Municipal Transport Bureau") for a
 * language: the leading words with Chinese characters for "zh", the rest for "en"; the whole name when
 * it is not of that form.
 */
export function namePart(name, language) {
  if (!name) return "";
  const words = String(name).split(" ");
  let i = 0;
  while (i < words.length && /[^\x00-\x7F]/.test(words[i])) i++;
  if (i === 0 || i === words.length) return String(name);
  return language === "zh" ? words.slice(0, i).join(" ") : words.slice(i).join(" ");
}

/** A card: <section class="card" data-section=name><h2>title</h2>…</section>. */
export function card(name, title, ...content) {
  return h("section", { class: "card", dataset: { section: name } }, h("h2", {}, title), ...content);
}

export function muted(text) {
  return h("p", { class: "muted" }, text);
}

/** A definition list of [label, value] pairs (values: text or nodes); pairs with null values are left out. */
export function kv(pairs) {
  const dl = h("dl", { class: "kv" });
  for (const [label, value, key] of pairs) {
    if (value === null || value === undefined) continue;
    dl.append(h("dt", {}, label), h("dd", { dataset: { field: key } }, value));
  }
  return dl;
}

/** One table row: a <td> per column, rowData(row) as the <tr>'s dataset. */
export function tableRow(columns, row, rowData) {
  return h(
    "tr",
    { dataset: rowData ? rowData(row) : {} },
    columns.map((c) => h("td", { class: c.class || null }, c.cell(row))),
  );
}

/**
 * A table. columns: [{label, cell(row) -> text|Node, class}]; rowData(row) -> dataset of the <tr>.
 * An empty list shows one row saying so.
 */
export function table(name, columns, rows, rowData, emptyText) {
  const body = h("tbody");
  for (const row of rows) body.append(tableRow(columns, row, rowData));
  if (rows.length === 0) {
    body.append(h("tr", { class: "empty" }, h("td", { colspan: columns.length }, emptyText || t("common.none"))));
  }
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { dataset: { table: name, rows: rows.length } },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.class || null }, c.label)))),
      body,
    ),
  );
}

/** A link to a participant's page, showing its name (in the current language) when known. */
export function participantLink(address, language) {
  if (!address || /^0x0{40}$/i.test(address)) return h("span", { class: "muted" }, "–");
  const name = participantNames.get(String(address).toLowerCase());
  return h(
    "a",
    { href: `#/participant/${address}`, title: address, class: name ? "party" : "party mono", dataset: { address } },
    name ? namePart(name, language) : shortHash(address),
  );
}

/** A link to an asset's page: "#5 name". */
export function assetLink(assetId, name, language) {
  return h(
    "a",
    { href: `#/asset/${assetId}`, dataset: { assetId } },
    `#${assetId}`,
    name ? ` ${namePart(name, language)}` : "",
  );
}

/** A hash in monospace, shortened, the whole value in the tooltip. */
export function hashText(value) {
  return h("span", { class: "mono", title: value || "" }, shortHash(value));
}

export function timeText(seconds) {
  return h("span", { class: "time", title: formatTime(seconds) }, formatMinute(seconds));
}

/** A pausable contract's name in words (its manifest name when unknown). */
export function contractLabel(name) {
  const key = `contract.${name}`;
  const label = t(key);
  return label === key ? name : label;
}

export function badge(text, kind) {
  return h("span", { class: `badge ${kind || ""}`.trim() }, text);
}

/** Under a list cut at `shown` items: says so and links to the whole list (when there is one). */
export function moreNote(page, href) {
  if (!page.next_cursor) return null;
  return h(
    "p",
    { class: "muted more-note" },
    t("common.more", { n: page.data.length }),
    href ? [" · ", h("a", { href }, t("common.all"))] : null,
  );
}

/** A message in place of a page or section that could not load. */
export function errorBox(error) {
  const notFound = error && error.status === 404;
  const waiting = error && error.status === 503;
  return h(
    "div",
    { class: `notice ${notFound ? "not-found" : "error"}`, dataset: { status: error && error.status } },
    h("strong", {}, notFound ? t("common.notFound") : waiting ? t("common.notIndexed") : t("common.error")),
    h("p", { class: "mono" }, error && error.message ? error.message : String(error)),
  );
}
