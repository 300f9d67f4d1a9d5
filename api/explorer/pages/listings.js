// Exchange listings (挂牌, art. 16-17): the data products exchanges list with their sellers' signed consent, each with
// where it stands (on sale, upcoming, suspended while its asset cannot be delivered, expired, delisted, withdrawn);
// a listing's page (#/listing/0x…): its licence template, its offer, every version listed (amendments) and the
// trades settled under it. The asset page and an exchange's page carry their listings.

import { get } from "../api.js";
import { h } from "../dom.js";
import { formatAmount, formatCount, formatTime, shortHash } from "../format.js";
import { enumLabel, lang, regionLabel, t } from "../i18n.js";
import { assetLink, badge, card, hashText, kv, moreNote, namePart, participantLink, table, timeText } from "../ui.js";
import { asOfNotice } from "./asset.js";
import { filterSelect, pageSize, pagedTable, scopeBadge } from "./lists.js";
import { tradesTable } from "./trades.js";

export const STANDINGS = ["on_sale", "upcoming", "suspended", "expired", "delisted", "withdrawn"];
const STANDING_KIND = { on_sale: "ok", upcoming: "info", suspended: "bad", expired: "warn", delisted: "warn", withdrawn: "" };
const LISTED = 100;
const DAY = 86400;

/** Where a listing stands, as a badge. */
export function standingBadge(standing) {
  return badge(enumLabel("listing_standing", standing), STANDING_KIND[standing] ?? "");
}

/** The href of a listing's page, as of block at (null: now). */
export function listingHref(key, at = null) {
  return `#/listing/${key}${at ? `?at=${at}` : ""}`;
}

/** A link to a listing's page: its key, shortened (whole in the tooltip). */
export function listingLink(key, at = null) {
  return h("a", { href: listingHref(key, at), title: key, class: "mono", dataset: { listingKey: key } }, shortHash(key));
}

/** "¥20,000.00 – ¥25,000.00", or the list price when both bounds are equal. */
function priceRange(x) {
  if (String(x.min_price) === String(x.max_price)) return formatAmount(x.min_price);
  return `${formatAmount(x.min_price)} – ${formatAmount(x.max_price)}`;
}

function period(x) {
  return h("span", {}, timeText(x.starts_at), " – ", timeText(x.ends_at));
}

function isLicence(x) {
  return (x.delivery_name ?? "") === "license" || Number(x.delivery) === 1;
}

/** "数据加工使用权 · 授权许可" (a sublicence of the seller's licence named). */
function deliveryCell(x) {
  return [
    enumLabel("right", x.right_name ?? x.right),
    " · ",
    enumLabel("delivery", x.delivery_name ?? x.delivery),
    Number(x.parent_licence_id) ? ` (${t("listing.under", { id: x.parent_licence_id })})` : "",
  ];
}

/** The longest licence sold under a listing, in days ("–" for a right). */
function longest(x) {
  return isLicence(x) ? t("days", { n: formatCount(Math.floor(Number(x.max_duration) / DAY)) }) : "–";
}

/** The columns of a listings table; options.asset, options.exchange and options.seller add those columns (left out
 * on the asset's or the exchange's own page). at: the block links to the listing open at. */
function listingColumns(language, options = {}, at = null) {
  return [
    { label: t("col.listing"), cell: (x) => listingLink(x.listing_key, at) },
    options.asset ? { label: t("col.asset"), cell: (x) => assetLink(x.asset_id, null, language) } : null,
    options.exchange ? { label: t("col.exchange"), cell: (x) => participantLink(x.exchange, language) } : null,
    options.seller ? { label: t("col.seller"), cell: (x) => participantLink(x.seller, language) } : null,
    { label: t("listing.delivery"), cell: (x) => deliveryCell(x) },
    { label: t("listing.price"), class: "num", cell: (x) => priceRange(x) },
    { label: t("listing.period"), cell: (x) => period(x) },
    { label: t("listing.version"), class: "num", cell: (x) => String(x.version) },
    { label: t("listing.standing"), cell: (x) => standingBadge(x.standing) },
    { label: t("listing.sales"), class: "num", cell: (x) => formatCount(x.sales) },
  ].filter(Boolean);
}

function listingRowData(x) {
  return {
    listingKey: x.listing_key, assetId: x.asset_id, exchange: x.exchange, seller: x.seller, standing: x.standing,
    version: x.version, sales: x.sales, minPrice: x.min_price, maxPrice: x.max_price,
  };
}

/** Listings as a table (the asset's and the exchange's cards). */
export function listingsTable(name, list, language, options = {}, at = null) {
  return table(name, listingColumns(language, options, at), list, listingRowData, t("listing.none"));
}

/** The first listings of an asset, an exchange or a seller (params), as of block at. */
export function listingsOf(params, at) {
  return get("listings", { ...params, at, limit: LISTED });
}

/** A card of listings (page: the API's answer) and, when there are more, a link to the whole list. */
export function listingsCard(name, title, page, language, options, scope, at) {
  const href = `#/listings?${new URLSearchParams({ ...scope, ...(at ? { at } : {}) })}`;
  return card(
    name,
    title,
    listingsTable(name, page.data, language, options, at),
    moreNote(page, href),
  );
}

/** The hash of the list without ?at= (its current state). */
function currentHref(query) {
  const next = new URLSearchParams(query);
  next.delete("at");
  const text = next.toString();
  return `#/listings${text ? `?${text}` : ""}`;
}

/**
 * #/listings: the listings, oldest first, by standing (a select), ?exchange=, ?seller= or ?asset_id=, with "load
 * more", as of block at (null: the current state).
 */
export async function renderListings(query, at = null) {
  const params = { at };
  for (const param of ["standing", "exchange", "seller", "asset_id"]) if (query.get(param)) params[param] = query.get(param);
  const limit = pageSize(query);
  const first = await get("listings", { ...params, limit });
  const language = lang();
  const list = {
    name: "listing-list",
    path: "listings",
    columns: listingColumns(language, { asset: true, exchange: true, seller: true }, at),
    rowData: listingRowData,
    emptyText: t("listing.none"),
  };
  return h(
    "div",
    { class: "listings-page", dataset: { at: at ?? "" } },
    asOfNotice(at, currentHref(query)),
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, t("listing.listTitle")),
      ["exchange", "seller"].filter((p) => query.get(p)).map((p) => scopeBadge(p, query.get(p))),
      query.get("asset_id") ? badge(`${t("col.asset")} #${query.get("asset_id")}`, "info") : null,
    ),
    h("p", { class: "muted" }, t("listing.intro")),
    h(
      "form",
      { class: "filters", onsubmit: (event) => event.preventDefault() },
      filterSelect("listings", query, "standing", t("listing.standing"), STANDINGS.map((s) => [s, enumLabel("listing_standing", s)])),
    ),
    card("listing-list", t("listing.list"), pagedTable(list, params, limit, first)),
  );
}

function yesNo(value) {
  return value ? t("common.yes") : t("common.no");
}

/** Whether the seller still holds what it listed; a sublicence's listing has no answer (null). */
function sellerHolds(x) {
  if (x.seller_holds === null || x.seller_holds === undefined) return h("span", { class: "muted" }, t("listing.holdsUnknown"));
  if (x.seller_holds) return badge(t("common.yes"), "ok");
  return badge(t("listing.notHeld"), "bad");
}

/** The licence template every licence sold under the listing matches (but for its period). */
function termsCard(x) {
  const tpl = x.template || {};
  if (!isLicence(x)) {
    return card("listing-terms", t("listing.terms"), h("p", { class: "muted", dataset: { field: "terms" } }, t("listing.rightDelivery")));
  }
  const regions = tpl.regions || [];
  const countries = tpl.countries || [];
  return card(
    "listing-terms",
    t("listing.terms"),
    kv([
      [t("listing.purpose"), tpl.purpose === undefined ? "–" : String(tpl.purpose), "purpose"],
      [t("listing.regions"), regions.length ? regions.map((r) => regionLabel(r)).join(lang() === "zh" ? "、" : ", ") : t("listing.anyRegion"), "regions"],
      [t("listing.countries"), countries.length ? countries.join(", ") : t("listing.noCountries"), "countries"],
      [t("listing.exclusive"), yesNo(tpl.exclusive), "exclusive"],
      [t("listing.sublicensable"), yesNo(tpl.sublicensable), "sublicensable"],
      [t("listing.transferable"), yesNo(tpl.transferable), "transferable"],
      [t("col.maxDuration"), longest(x), "max-duration"],
      [t("listing.termsHash"), hashText(tpl.terms_hash), "terms-hash"],
    ]),
  );
}

/** The offer of the current version: prices, the seller's least net, the listing period. */
function offerCard(x) {
  const listPrice = String(x.min_price) === String(x.max_price);
  return card(
    "listing-offer",
    t("listing.offer"),
    kv([
      listPrice ? [t("listing.listPrice"), formatAmount(x.min_price), "price"] : [t("listing.price"), priceRange(x), "price"],
      [t("col.minNet"), formatAmount(x.min_net), "min-net"],
      [t("listing.starts"), formatTime(x.starts_at), "starts"],
      [t("listing.ends"), formatTime(x.ends_at), "ends"],
      [t("listing.listingId"), hashText(x.listing_id), "listing-id"],
      [t("listing.document"), h("span", { class: "mono" }, x.document_hash), "document-hash"],
    ]),
  );
}

function detailsCard(x, asset, language) {
  return card(
    "listing-details",
    t("listing.details"),
    kv([
      [t("col.asset"), assetLink(x.asset_id, asset ? asset.name : null, language), "asset"],
      [t("col.exchange"), participantLink(x.exchange, language), "exchange"],
      [t("col.seller"), participantLink(x.seller, language), "seller"],
      [
        t("listing.sellerKey"),
        String(x.seller_key).toLowerCase() === String(x.seller).toLowerCase() ? null : h("span", { class: "mono" }, x.seller_key),
        "seller-key",
      ],
      [t("listing.delivery"), deliveryCell(x), "delivery"],
      [t("listing.standing"), standingBadge(x.standing), "standing"],
      [t("listing.sellerHolds"), sellerHolds(x), "seller-holds"],
      [t("listing.version"), String(x.version), "version"],
      [
        t("listing.listed"),
        [formatTime(x.listed_at), " · ", h("a", { href: listingHref(x.listing_key, x.listed_block), title: t("asset.asOfLink") }, `${t("timeline.block")} ${x.listed_block}`)],
        "listed",
      ],
      [t("listing.amended"), Number(x.version) > 1 ? formatTime(x.amended_at) : null, "amended"],
      [t("listing.endedBy"), x.ended_by ? [participantLink(x.ended_by, language), " ", timeText(x.ended_at)] : null, "ended-by"],
      [t("listing.endHash"), x.end_hash ? hashText(x.end_hash) : null, "end-hash"],
      [t("listing.sales"), formatCount(x.sales), "sales"],
      [t("listing.lastSale"), x.last_sale_at ? formatTime(x.last_sale_at) : null, "last-sale"],
    ]),
  );
}

function versionsTable(x) {
  return table(
    "listing-versions",
    [
      { label: t("listing.version"), class: "num", cell: (v) => String(v.version) },
      {
        label: t("col.block"),
        class: "num",
        cell: (v) => h("a", { href: listingHref(x.listing_key, v.block), title: t("asset.asOfLink"), dataset: { at: v.block } }, String(v.block)),
      },
      { label: t("listing.listed"), cell: (v) => timeText(v.listed_at) },
      { label: t("listing.price"), class: "num", cell: (v) => priceRange(v) },
      { label: t("col.minNet"), class: "num", cell: (v) => formatAmount(v.min_net) },
      { label: t("listing.period"), cell: (v) => period(v) },
      { label: t("col.maxDuration"), class: "num", cell: (v) => longest({ ...x, max_duration: v.max_duration }) },
      { label: t("listing.document"), cell: (v) => hashText(v.document_hash) },
    ],
    x.versions || [],
    (v) => ({ version: v.version, block: v.block, minPrice: v.min_price, maxPrice: v.max_price, current: v.version === x.version ? "true" : null }),
  );
}

/** #/listing/0x…: one listing as of block at (null: the current state). */
export async function renderListing(key, at = null) {
  const answer = await get(`listings/${key}`, { at });
  const x = answer.data;
  const asset = (await get(`assets/${x.asset_id}`, { at })).data;
  const language = lang();
  const trades = x.trades || [];
  return h(
    "div",
    { class: "listing", dataset: { listingKey: x.listing_key, standing: x.standing, version: x.version, at: at ?? "" } },
    asOfNotice(at, listingHref(x.listing_key)),
    h(
      "div",
      { class: "page-title" },
      h("h1", {}, `${t("listing.title")} · ${t("col.asset")} #${x.asset_id}`),
      h("span", { class: "sub", dataset: { field: "asset-name" } }, namePart(asset.name, language)),
      h("span", { class: "sub mono", dataset: { field: "listing-key" } }, x.listing_key),
      standingBadge(x.standing),
      x.seller_holds === false ? badge(t("listing.notHeld"), "bad") : null,
    ),
    h("div", { class: "grid-2" }, detailsCard(x, asset, language), h("div", {}, offerCard(x), termsCard(x))),
    card("listing-versions", t("listing.versions"), versionsTable(x)),
    card(
      "listing-trades",
      t("listing.trades"),
      h("p", { class: "muted", dataset: { field: "trade-count", count: x.trade_count } }, t("listing.tradeCount", { n: formatCount(x.trade_count) })),
      tradesTable("listing-trades", trades, language),
      Number(x.trade_count) > trades.length
        ? moreNote({ next_cursor: true, data: trades }, `#/trades?mandate_id=${x.listing_key}`)
        : null,
    ),
  );
}
