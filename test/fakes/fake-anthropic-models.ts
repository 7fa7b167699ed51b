import type { IncomingMessage, ServerResponse } from 'node:http';
import { hasValidApiKey, writeApiError } from './fake-anthropic-http.js';
import type { FakeModel, FakeModelsFault, FakeModelsRequest } from './fake-anthropic-types.js';

/**
 * Today's lineup, newest first, ids as Anthropic's model docs give them (the 5-series plus Haiku
 * 4.5, the small one; Haiku is listed under its dated snapshot id, which the `claude-haiku-4-5`
 * alias resolves to). Release dates are the announced ones where the docs state them, else
 * approximate; nothing in the crew should depend on them beyond their order.
 */
export const DEFAULT_FAKE_MODELS: readonly FakeModel[] = [
  { id: 'claude-fable-5-2', display_name: 'Claude Fable 5.2', created_at: '2026-11-05T00:00:00Z', max_input_tokens: 1_000_000, max_tokens: 128_000 },
  { id: 'claude-sonnet-5-5', display_name: 'Claude Sonnet 5.5', created_at: '2026-09-28T00:00:00Z', max_input_tokens: 1_000_000, max_tokens: 128_000 },
  { id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5', created_at: '2026-09-21T00:00:00Z', max_input_tokens: 1_000_000, max_tokens: 128_000 },
  { id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-15T00:00:00Z', max_input_tokens: 200_000, max_tokens: 64_000 },
];

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** What the models endpoint needs from the fake. */
export interface FakeModelsContext {
  models: readonly FakeModel[];
  apiKey: string | undefined;
  /** Next scripted fault, if any (taken from the queue). */
  takeFault(): FakeModelsFault | undefined;
  record(request: FakeModelsRequest): void;
  nextRequestId(): string;
}

function toModelInfo(model: FakeModel): Record<string, unknown> {
  return { type: 'model', ...model };
}

/** A page of `models` per the API's cursor rules (`after_id` pages forward, `before_id` back). */
function pageOf(models: readonly FakeModel[], query: Record<string, string>): { status: number; body: unknown } {
  const limit = query['limit'] === undefined ? DEFAULT_LIMIT : Number(query['limit']);
  if (!Number.isInteger(limit)) return { status: 400, body: 'limit: Input should be a valid integer' };
  if (limit < 1) return { status: 400, body: 'limit: Input should be greater than or equal to 1' };
  if (limit > MAX_LIMIT) return { status: 400, body: `limit: Input should be less than or equal to ${MAX_LIMIT}` };
  let start = 0;
  let end = models.length;
  const before = query['before_id'];
  const after = query['after_id'];
  // An unknown cursor yields an empty page rather than an error: the docs do not say, and an
  // empty page ends every client's iteration safely.
  if (before !== undefined) {
    end = models.findIndex((m) => m.id === before);
    if (end === -1) end = 0;
    start = Math.max(0, end - limit);
  } else if (after !== undefined) {
    const at = models.findIndex((m) => m.id === after);
    start = at === -1 ? models.length : at + 1;
    end = Math.min(models.length, start + limit);
  } else {
    end = Math.min(models.length, limit);
  }
  const data = models.slice(start, end);
  const hasMore = before !== undefined ? start > 0 : end < models.length;
  return {
    status: 200,
    body: { data: data.map(toModelInfo), has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
  };
}

/** The model `id` names, directly or as an alias of a dated snapshot (`claude-haiku-4-5` → `…-20251001`). */
function findModel(models: readonly FakeModel[], id: string): FakeModel | undefined {
  return models.find((m) => m.id === id) ?? models.find((m) => new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}$`).test(m.id));
}

/**
 * Answers `GET /v1/models` (a page of `ModelInfo`s: `data`, `has_more`, `first_id`, `last_id`;
 * `limit` 1–1000, default 20; `after_id` / `before_id` cursors) and `GET /v1/models/{id}` (one
 * `ModelInfo`, aliases resolved; unknown → 404 `not_found_error`), requiring the API key and
 * `anthropic-version` as the messages endpoint does, after any scripted fault.
 */
export function answerModelsRequest(req: IncomingMessage, res: ServerResponse, context: FakeModelsContext): void {
  const url = new URL(req.url ?? '/', 'http://fake');
  const record: FakeModelsRequest = {
    id: context.nextRequestId(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
  };
  context.record(record);
  const fail = (status: number, message?: string) => {
    writeApiError(res, record.id, status, message === undefined ? {} : { message });
    record.status = status;
  };
  if (req.method !== 'GET') return fail(404, `Not found: ${req.method} ${url.pathname}`);
  if (!hasValidApiKey(req, context.apiKey)) return fail(401);
  if (!req.headers['anthropic-version']) return fail(400, 'anthropic-version: header is required');
  const fault = context.takeFault();
  if (fault && 'dropBeforeResponse' in fault) {
    req.socket.destroy();
    return;
  }
  if (fault) {
    writeApiError(res, record.id, fault.status, fault);
    record.status = fault.status;
    return;
  }

  const id = url.pathname === '/v1/models' ? undefined : decodeURIComponent(url.pathname.slice('/v1/models/'.length));
  let answer: { status: number; body: unknown };
  if (id === undefined) {
    answer = pageOf(context.models, record.query);
  } else {
    const model = findModel(context.models, id);
    answer = model ? { status: 200, body: toModelInfo(model) } : { status: 404, body: `model: ${id}` };
  }
  if (typeof answer.body === 'string') return fail(answer.status, answer.body);
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': record.id });
  res.end(JSON.stringify(answer.body));
  record.status = 200;
}
