// Small SVG charts drawn without libraries. Every bar and point carries its data as attributes
// (data-key, data-label, data-value: the exact amount string, data-count) so that what is drawn can be
// checked against the API it came from.

import { h, s } from "./dom.js";
import { amountToNumber, formatAmount, formatAxisYuan, formatCount } from "./format.js";
import { t } from "./i18n.js";

const WIDTH = 560; // default; a chart across the page passes its own
const HEIGHT = 260;
const MARGIN = { top: 34, right: 16, bottom: 44, left: 72 };
const TICKS = 4;

/** The smallest 1, 2 or 5 times a power of ten that is >= value. */
function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const f = value / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

function frame(name, title, svg, empty) {
  return h(
    "figure",
    { class: "chart", dataset: { chart: name } },
    h("figcaption", {}, title),
    empty ? h("p", { class: "muted" }, t("dash.noTrades")) : svg,
  );
}

function axes(svg, maxValue, width) {
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const grid = s("g", { class: "grid" });
  for (let i = 0; i <= TICKS; i++) {
    const value = (maxValue * i) / TICKS;
    const y = MARGIN.top + plotH - (plotH * i) / TICKS;
    grid.append(
      s("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: y, y2: y }),
      s("text", { x: MARGIN.left - 8, y: y + 4, "text-anchor": "end", class: "tick" }, formatAxisYuan(value)),
    );
  }
  svg.append(grid);
}

function tooltip(row) {
  return `${row.label}: ${formatAmount(row.value)} (${formatCount(row.count)} ${t("chart.trades")})`;
}

function svgRoot(label, width) {
  return s("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, role: "img", "aria-label": label, class: "chart-svg" });
}

/**
 * A bar chart of amounts. rows: [{key, label, value (token amount string), count}].
 * Bars are <g class="bar" data-key data-label data-value data-count> with a rect and value label.
 */
export function barChart({ name, title, rows, width = WIDTH }) {
  const svg = svgRoot(title, width);
  const maxValue = niceCeiling(Math.max(0, ...rows.map((r) => amountToNumber(r.value))));
  axes(svg, maxValue, width);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotW / Math.max(rows.length, 1);
  const barW = Math.min(72, band * 0.6);
  const bars = s("g", { class: "bars" });
  rows.forEach((row, i) => {
    const heightPx = (plotH * amountToNumber(row.value)) / maxValue;
    const x = MARGIN.left + band * i + (band - barW) / 2;
    const y = MARGIN.top + plotH - heightPx;
    bars.append(
      s(
        "g",
        { class: "bar", dataset: { key: row.key, label: row.label, value: row.value, count: row.count } },
        s("title", {}, tooltip(row)),
        s("rect", { x, y, width: barW, height: Math.max(heightPx, 0.5), rx: 3 }),
        s("text", { x: x + barW / 2, y: y - 6, "text-anchor": "middle", class: "value" }, formatAmount(row.value)),
        s("text", { x: x + barW / 2, y: HEIGHT - MARGIN.bottom + 18, "text-anchor": "middle", class: "label" }, row.label),
      ),
    );
  });
  svg.append(bars);
  return frame(name, title, svg, rows.length === 0);
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function dayNumber(key) {
  return Math.round(Date.parse(`${key}T00:00:00Z`) / 86_400_000);
}

/**
 * A line chart with a filled area, over days when every key is a date (YYYY-MM-DD; days without rows
 * count as zero in the line), else over the rows in order. Points are
 * <circle class="point" data-key data-label data-value data-count>, one per row.
 */
export function lineChart({ name, title, rows, width = WIDTH }) {
  const svg = svgRoot(title, width);
  const maxValue = niceCeiling(Math.max(0, ...rows.map((r) => amountToNumber(r.value))));
  axes(svg, maxValue, width);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const byDay = rows.length > 0 && rows.every((r) => DAY_RE.test(r.key));
  const positions = byDay ? rows.map((r) => dayNumber(r.key)) : rows.map((_, i) => i);
  const first = Math.min(...positions);
  const span = Math.max(...positions) - first;
  const inset = 36; // keeps the first and last points and their labels off the edges
  const xOf = (pos) =>
    span === 0 ? MARGIN.left + plotW / 2 : MARGIN.left + inset + ((plotW - 2 * inset) * (pos - first)) / span;
  const yOf = (row) => MARGIN.top + plotH - (plotH * amountToNumber(row.value)) / maxValue;
  const baseline = MARGIN.top + plotH;

  // The line runs through every day of the span; days without trades sit on the baseline.
  const known = new Map(rows.map((r, i) => [positions[i], r]));
  const line = [];
  if (byDay && span <= 400) {
    for (let pos = first; pos <= first + span; pos++) {
      line.push([xOf(pos), known.has(pos) ? yOf(known.get(pos)) : baseline]);
    }
  } else {
    rows.forEach((r, i) => line.push([xOf(positions[i]), yOf(r)]));
  }
  if (line.length > 0) {
    const path = line.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
    const lastX = line[line.length - 1][0];
    svg.append(
      s("path", { class: "area", d: `${path} L${lastX.toFixed(1)},${baseline} L${line[0][0].toFixed(1)},${baseline} Z` }),
      s("path", { class: "line", d: path }),
    );
  }
  const points = s("g", { class: "points" });
  const labelEvery = Math.max(1, Math.ceil(rows.length / 6));
  rows.forEach((row, i) => {
    const x = xOf(positions[i]);
    const y = yOf(row);
    points.append(
      s(
        "g",
        { class: "point-group" },
        s(
          "circle",
          { class: "point", cx: x, cy: y, r: 4.5, dataset: { key: row.key, label: row.label, value: row.value, count: row.count } },
          s("title", {}, tooltip(row)),
        ),
        i % labelEvery === 0 || i === rows.length - 1
          ? s("text", { x, y: HEIGHT - MARGIN.bottom + 18, "text-anchor": "middle", class: "label" }, row.label)
          : null,
        rows.length <= 12 ? s("text", { x, y: y - 9, "text-anchor": "middle", class: "value" }, formatAmount(row.value)) : null,
      ),
    );
  });
  svg.append(points);
  return frame(name, title, svg, rows.length === 0);
}
