// A recognised registration (跨省互认): an asset registered in another province's ledger whose signed
// certificate was imported here, with its origin and the latest proof-checked cross-check.

import { h } from "../dom.js";
import { formatTime, shortHash } from "../format.js";
import { enumLabel, t } from "../i18n.js";
import { badge, card, kv, participantLink } from "../ui.js";

const VERDICT_KIND = { match: "ok", stale: "warn", conflict: "bad", missing: "bad" };

/** The latest cross-check: verdict, when, against which origin block; the checker's reasons (English). */
function verification(v) {
  if (!v) return h("p", { class: "muted", dataset: { verdict: "" } }, t("recog.neverChecked"));
  const reasons = Array.isArray(v.details && v.details.reasons) ? v.details.reasons : [];
  return h(
    "div",
    { class: "verification", dataset: { verdict: v.verdict, reportId: v.report_id } },
    kv([
      [t("recog.verdict"), badge(enumLabel("verdict", v.verdict), VERDICT_KIND[v.verdict] || "warn"), "verdict"],
      [t("recog.checkedAt"), formatTime(v.checked_at), "checked-at"],
      [
        t("recog.againstBlock"),
        h(
          "span",
          {},
          `#${v.block_number} `,
          h("span", { class: "mono", title: v.block_hash }, shortHash(v.block_hash)),
          " ",
          badge(v.pinned_by_user ? t("recog.pinned") : t("recog.notPinned"), v.pinned_by_user ? "ok" : "warn"),
        ),
        "against-block",
      ],
      [t("recog.report"), `#${v.report_id}`, "report"],
      [t("recog.reasons"), reasons.length ? h("ul", { class: "reasons" }, reasons.map((r) => h("li", {}, r))) : null, "reasons"],
    ]),
  );
}

/** The card of a recognised asset (record: /api/v1/recognition/records/{id}). */
export function recognitionCard(record, language) {
  const active = record.status_name === "active";
  return card(
    "recognition",
    t("recog.title"),
    h(
      "div",
      { class: "grid-2 recognition", dataset: { originChainId: record.origin_chain_id, status: record.status_name } },
      kv([
        [t("recog.origin"), `${t("recog.chain")} ${record.origin_chain_id}`, "origin-chain"],
        [t("recog.originRegistry"), h("span", { class: "mono" }, record.origin_registry), "origin-registry"],
        [t("recog.originAsset"), `#${record.origin_asset_id}`, "origin-asset"],
        [t("recog.certificate"), record.certificate_number, "origin-certificate"],
        [t("recog.status"), badge(enumLabel("recognition_status", record.status_name), active ? "ok" : "bad"), "recognition-status"],
        [t("recog.signers"), h("span", {}, record.signers.map((a, i) => [i ? ", " : "", h("span", { class: "mono", title: a }, shortHash(a))])), "signers"],
        [t("recog.imported"), h("span", {}, formatTime(record.imported_at), " · ", participantLink(record.imported_by, language)), "imported"],
        [t("recog.linked"), record.linked ? t("common.yes") : t("common.no"), "linked"],
        [t("recog.issuedBlock"), `#${record.issued_block}`, "issued-block"],
        [t("recog.expires"), record.expires_at ? formatTime(record.expires_at) : null, "expires"],
        [t("recog.superseded"), record.superseded_by ? h("span", {}, participantLink(record.superseded_by, language), ` · ${t("col.block")} ${record.superseded_block}`) : null, "superseded"],
      ]),
      h("div", {}, h("h3", {}, t("recog.lastCheck")), verification(record.last_verification)),
    ),
  );
}
