// Formatting of ledger values: token amounts (2 decimals, exact via BigInt), times (UTC), hashes.

import { lang } from "./i18n.js";

/** Decimals of the SettlementToken: amounts on chain are fen, shown in yuan. */
export const TOKEN_DECIMALS = 2;

function groupThousands(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** "1234567" (fen, a decimal string or number) -> "¥12,345.67"; exact for any uint256. */
export function formatAmount(value) {
  if (value === null || value === undefined || value === "") return "–";
  let n;
  try {
    n = BigInt(String(value));
  } catch {
    return String(value);
  }
  const negative = n < 0n;
  if (negative) n = -n;
  const scale = 10n ** BigInt(TOKEN_DECIMALS);
  const whole = groupThousands((n / scale).toString());
  const cents = (n % scale).toString().padStart(TOKEN_DECIMALS, "0");
  return `${negative ? "-" : ""}¥${whole}.${cents}`;
}

/** Token amount as a float in yuan, for chart geometry only (labels use formatAmount). */
export function amountToNumber(value) {
  const n = Number(value);
  return Number.isFinite(n) ? n / 10 ** TOKEN_DECIMALS : 0;
}

/** A short axis label for an amount in yuan: ¥1.2万 / ¥12K. */
export function formatAxisYuan(yuan) {
  const abs = Math.abs(yuan);
  const trim = (x) => (Math.round(x * 10) / 10).toString();
  if (lang() === "zh") {
    if (abs >= 1e8) return `¥${trim(yuan / 1e8)}亿`;
    if (abs >= 1e4) return `¥${trim(yuan / 1e4)}万`;
    return `¥${trim(yuan)}`;
  }
  if (abs >= 1e9) return `¥${trim(yuan / 1e9)}B`;
  if (abs >= 1e6) return `¥${trim(yuan / 1e6)}M`;
  if (abs >= 1e3) return `¥${trim(yuan / 1e3)}K`;
  return `¥${trim(yuan)}`;
}

/** An integer with thousands separators. */
export function formatCount(value) {
  if (value === null || value === undefined) return "–";
  return groupThousands(String(value));
}

function pad(n) {
  return String(n).padStart(2, "0");
}

/** Unix seconds -> "2026-11-28 10:00:00 UTC"; "–" for zero or missing. */
export function formatTime(seconds) {
  const n = Number(seconds);
  if (!n || n <= 0) return "–";
  const d = new Date(n * 1000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`
  );
}

/** Unix seconds -> "2026-11-28 10:00" (UTC, for tables); "–" for zero or missing. */
export function formatMinute(seconds) {
  const full = formatTime(seconds);
  return full === "–" ? full : full.slice(0, 16);
}

/** "0x1234567890abcdef..." -> "0x1234…cdef". */
export function shortHash(value, keep = 6) {
  if (!value) return "–";
  const text = String(value);
  return text.length > 2 * keep + 3 ? `${text.slice(0, keep + 2)}…${text.slice(-keep + 2)}` : text;
}

/** The registration certificate number, as the CLI prints it: DR-{region}-{serial:08d}. */
export function certificateNumber(region, serial) {
  if (!serial) return "";
  return `DR-${region}-${String(serial).padStart(8, "0")}`;
}
