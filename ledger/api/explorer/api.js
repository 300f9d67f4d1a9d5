// The read API (/api/v1): JSON envelopes {block, data, next_cursor?}. Remembers the newest block seen,
// which the footer shows as the block the page reflects.

const BASE = new URL("../api/v1/", document.baseURI);

export class ApiError extends Error {
  constructor(status, detail, path) {
    super(`${status} ${path}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
    this.status = status;
    this.detail = detail;
  }
}

let lastBlock = null;
const blockListeners = [];

function noteBlock(block) {
  if (!block || typeof block.number !== "number") return;
  if (lastBlock === null || block.number >= lastBlock.number) {
    lastBlock = block;
    for (const fn of blockListeners) fn(block);
  }
}

/** Called with the envelope's block whenever a response reflects a newer block than any before. */
export function onBlock(fn) {
  blockListeners.push(fn);
  if (lastBlock) fn(lastBlock);
}

/** GET path (relative to /api/v1/) with query params; resolves to the whole envelope. */
export async function get(path, params) {
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
  noteBlock(body.block);
  return body;
}

/** Every item of a list endpoint, following next_cursor, up to max items. */
export async function getAll(path, params, max = 1000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...(params || {}), limit: Math.min(1000, max - items.length), cursor });
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}
