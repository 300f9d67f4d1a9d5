// The licences table: the asset list's sibling, and the licences a participant holds.

import { h } from "../dom.js";
import { formatTime } from "../format.js";
import { enumLabel, t } from "../i18n.js";
import { assetLink, badge, participantLink, table } from "../ui.js";

/**
 * Badges of a licence's state at `now` (unix seconds of the page's block) and its terms. The API's `valid` says
 * whether it is valid then, its parent chain and asset included; a revoked licence above it is named.
 */
export function licenceBadges(l, now) {
  let state = null;
  if (l.revoked) state = badge(t("licence.revoked"), "bad");
  else if (l.revoked_ancestor_id) state = badge(t("licence.ancestorRevoked", { id: l.revoked_ancestor_id }), "bad");
  else if (now && Number(l.starts_at) > now) state = badge(t("licence.notYet"), "warn");
  else if (now && Number(l.ends_at) <= now) state = badge(t("licence.expired"), "warn");
  else if (l.valid === false) state = badge(t("licence.invalid"), "bad");
  else if (now) state = badge(t("licence.valid"), "ok");
  return [
    state,
    l.exclusive ? badge(t("licence.exclusive"), "info") : null,
    l.sublicensable ? badge(t("licence.sublicensable"), "ok") : null,
    l.cross_border ? badge(t("licence.crossBorder"), "warn") : null,
    l.sold ? h("span", { title: t("licence.soldNote") }, badge(t("licence.sold"), "info")) : null,
    l.sold_until && (!now || Number(l.sold_until) > now)
      ? h("span", { title: t("licence.soldUnderNote", { until: formatTime(l.sold_until) }) }, badge(t("licence.soldUnder"), "info"))
      : null,
  ];
}

export function licenceColumns(language, now) {
  return [
    { label: t("col.licence"), class: "nowrap", cell: (l) => `#${l.licence_id}` },
    { label: t("col.asset"), cell: (l) => assetLink(l.asset_id, null, language) },
    { label: t("col.right"), class: "nowrap", cell: (l) => enumLabel("right", l.right_name ?? l.right) },
    { label: t("licence.fromCol"), cell: (l) => participantLink(l.licensor, language) },
    { label: t("licence.toCol"), cell: (l) => participantLink(l.licensee, language) },
    { label: t("licence.purposeCol"), class: "num", cell: (l) => String(l.purpose) },
    {
      label: t("licence.termCol"),
      class: "nowrap",
      cell: (l) => `${formatTime(l.starts_at).slice(0, 10)} – ${formatTime(l.ends_at).slice(0, 10)}`,
    },
    {
      label: t("licence.parentCol"),
      class: "nowrap",
      cell: (l) => (Number(l.parent_id) ? h("span", {}, `#${l.parent_id}`) : "–"),
    },
    { label: t("col.status"), cell: (l) => licenceBadges(l, now) },
  ];
}

export function licenceRowData(l) {
  return {
    licenceId: l.licence_id,
    depth: l.depth,
    revoked: l.revoked,
    sold: l.sold ?? "",
    valid: l.valid,
    revokedAncestor: l.revoked_ancestor_id ?? "",
  };
}

export function licencesTable(name, licences, language, now) {
  return table(name, licenceColumns(language, now), licences, licenceRowData);
}
