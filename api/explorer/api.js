// The read API (/api/v1): JSON envelopes {block, data, next_cursor?}. Tracks the block the current
// page reflects (the newest block among its answers), which the footer shows.

const BASE = new URL("../api/v1/", document.baseURI);

export class ApiError extends Error {
  constructor(status, detail, path) {
    super(`${status} ${path}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
    this.status = status;
    this.detail = detail;
  }
}

let pageBlock = null;
const blockListeners = [];

function noteBlock(block) {
  if (!block || typeof block.number !== "number") return;
  if (pageBlock === null || block.number > pageBlock.number) {
    pageBlock = block;
    for (const fn of blockListeners) fn(block);
  }
}

/** A new page starts: the blocks of its answers are tracked afresh. */
export function beginPage() {
  pageBlock = null;
  for (const fn of blockListeners) fn(null);
}

/** Called with the block the page reflects whenever an answer moves it (null when a page starts). */
export function onBlock(fn) {
  blockListeners.push(fn);
}

/**
 * GET path (relative to /api/v1/) with query params; resolves to the whole envelope. Its block counts
 * as the page's unless options.track is false (lookups shared between pages).
 */
export async function get(path, params, options = {}) {
  const url = new URL(path, BASE);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, String(v));
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, body && body.detail !== undefined ? body.detail : response.statusText, url.pathname);
  }
  if (options.track !== false) noteBlock(body.block);
  return body;
}

/** Every item of a list endpoint, following next_cursor, up to max items. */
export async function getAll(path, params, max = 1000, options = {}) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...(params || {}), limit: Math.min(1000, max - items.length), cursor }, options);
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}
