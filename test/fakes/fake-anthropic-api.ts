import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FakeAnthropicCache } from './fake-anthropic-cache.js';
import { countTokens, defaultFakeReply, replyText } from './fake-anthropic-reply.js';
import { writeFakeAnthropicSse } from './fake-anthropic-sse.js';
import type {
  FakeAnthropicApiOptions,
  FakeAnthropicFault,
  FakeAnthropicReply,
  FakeAnthropicRequest,
  FakeMessagesBody,
  FakeUsage,
} from './fake-anthropic-types.js';
import { validateFakeMessagesBody } from './fake-anthropic-validate.js';
import { waitFor } from './wait-for.js';

export type * from './fake-anthropic-types.js';

/** Summed usage over all answered requests. */
export interface FakeUsageTotals extends FakeUsage {
  requests: number;
}

/** A running fake Anthropic Messages API on 127.0.0.1. */
export interface FakeAnthropicApi {
  /** Base URL for the SDK's `baseURL` (`http://127.0.0.1:PORT`). */
  readonly url: string;
  /** Every request, oldest first (recorded on arrival, updated as it progresses). */
  readonly requests: FakeAnthropicRequest[];
  /** Queues replies (FIFO, one per request); `times` queues the same reply repeatedly. */
  enqueueReply(reply: FakeAnthropicReply, times?: number): void;
  /** Resolves with `requests` once at least `n` requests arrived (default timeout 5000 ms). */
  waitForRequests(n: number, timeoutMs?: number): Promise<FakeAnthropicRequest[]>;
  /** Summed usage of all requests that got a response. */
  usageTotals(): FakeUsageTotals;
  /** Empties the prompt cache. */
  clearCache(): void;
  /** Forgets requests, queued replies and the cache. */
  reset(): void;
  /** Destroys open sockets (so stalled streams cannot hang) and stops the server. */
  close(): Promise<void>;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};
const DEFAULT_MESSAGES: Record<string, string> = {
  rate_limit_error: 'This request would exceed the rate limit for your organization (fake).',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  authentication_error: 'invalid x-api-key',
};
const STATUS_OF_TYPE: Record<string, number> = { overloaded_error: 529, rate_limit_error: 429, api_error: 500 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a fake Anthropic Messages API (`POST /v1/messages`) on 127.0.0.1 that speaks the real
 * wire format: an API key (`x-api-key`, or `Authorization: Bearer` as SDK 1.x sends it) and
 * `anthropic-version` required, API-shaped error bodies with a
 * `request-id` header, JSON replies or SSE streams framed like the API, scripted faults, and a
 * prompt-cache model reporting cache read/creation tokens (see `FakeAnthropicCache`).
 */
export async function startFakeAnthropicApi(options: FakeAnthropicApiOptions = {}): Promise<FakeAnthropicApi> {
  const requests: FakeAnthropicRequest[] = [];
  const queue: FakeAnthropicReply[] = [];
  const sockets = new Set<Socket>();
  const cache = new FakeAnthropicCache({
    minCacheableTokens: options.minCacheableTokens ?? 1024,
    ttlMs: options.cacheTtlMs ?? 5 * 60_000,
  });
  let counter = 0;

  function sendError(res: ServerResponse, record: FakeAnthropicRequest, status: number, fault: Partial<Extract<FakeAnthropicFault, { status: number }>> = {}): void {
    const type = fault.errorType ?? ERROR_TYPES[status] ?? 'api_error';
    const body = JSON.stringify({
      type: 'error',
      error: { type, message: fault.message ?? DEFAULT_MESSAGES[type] ?? type },
      request_id: record.id,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': record.id };
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
    if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry);
    res.writeHead(status, headers);
    res.end(body);
    record.status = status;
    record.outcome = 'http_error';
    record.completedAt = Date.now();
  }

  function nextReply(body: FakeMessagesBody, n: number): FakeAnthropicReply {
    const reply = queue.shift() ?? options.defaultReply?.(body, n) ?? defaultFakeReply(body, n);
    return { ...options.replyDefaults, ...reply };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counter += 1;
    const n = counter;
    const record: FakeAnthropicRequest = {
      id: `req_fake_${n}`,
      body: undefined,
      headers: req.headers,
      stream: false,
      receivedAt: Date.now(),
      outcome: 'pending',
    };
    requests.push(record);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown = raw;
    let parseError = false;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parseError = true;
    }
    record.body = parsed;
    record.stream = (parsed as { stream?: unknown } | null)?.stream === true;

    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/messages') {
      return sendError(res, record, 404, { message: `Not found: ${req.method} ${path}` });
    }
    // SDK 1.x sends the API key as `Authorization: Bearer <key>`; older clients send `x-api-key`.
    const apiKey = req.headers['x-api-key'] ?? /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (typeof apiKey !== 'string' || apiKey === '' || (options.apiKey !== undefined && apiKey !== options.apiKey)) {
      return sendError(res, record, 401);
    }
    if (!req.headers['anthropic-version']) {
      return sendError(res, record, 400, { message: 'anthropic-version: header is required' });
    }
    if (parseError) return sendError(res, record, 400, { message: 'Request body is not valid JSON' });
    const validation = validateFakeMessagesBody(parsed);
    if (!validation.ok) return sendError(res, record, 400, { message: validation.message });
    const body = validation.body;

    const reply = nextReply(body, n);
    const fault = reply.fault;
    if (fault && 'dropBeforeResponse' in fault) {
      req.socket.destroy();
      record.outcome = 'dropped';
      record.completedAt = Date.now();
      return;
    }
    if (fault && 'status' in fault) return sendError(res, record, fault.status, fault);

    const { text, stopReason } = replyText(reply, body.max_tokens);
    const usage: FakeUsage = { ...cache.usageFor(body), output_tokens: countTokens(text) };
    record.usage = usage;
    const messageId = `msg_fake_${n}`;

    if (record.stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'request-id': record.id,
      });
      record.status = 200;
      record.outcome = await writeFakeAnthropicSse(res, {
        messageId,
        model: body.model,
        text,
        stopReason,
        usage,
        tokensPerDelta: reply.tokensPerDelta ?? 3,
        ...(reply.tokensPerSecond !== undefined ? { tokensPerSecond: reply.tokensPerSecond } : {}),
        ...(reply.firstTokenDelayMs !== undefined ? { firstTokenDelayMs: reply.firstTokenDelayMs } : {}),
        ...(fault ? { fault } : {}),
        onFirstDelta: () => {
          record.firstDeltaAt = Date.now();
        },
        onSent: (sent) => {
          record.text = sent;
          usage.output_tokens = countTokens(sent);
        },
      });
      record.completedAt = Date.now();
      return;
    }

    const tokens = countTokens(text);
    await sleep((reply.firstTokenDelayMs ?? 0) + (reply.tokensPerSecond ? (tokens / reply.tokensPerSecond) * 1000 : 0));
    if (fault && 'errorAfterChars' in fault) {
      const type = fault.errorType ?? 'overloaded_error';
      return sendError(res, record, STATUS_OF_TYPE[type] ?? 500, { errorType: type, ...(fault.message ? { message: fault.message } : {}) });
    }
    if (fault && 'stallAfterChars' in fault) {
      await new Promise<void>((resolve) => res.once('close', () => resolve()));
      record.outcome = 'stalled';
      record.completedAt = Date.now();
      return;
    }
    if (fault && 'dropAfterChars' in fault) {
      req.socket.destroy();
      record.outcome = 'dropped';
      record.completedAt = Date.now();
      return;
    }
    const json = JSON.stringify({
      id: messageId,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [{ type: 'text', text }],
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': record.id });
    res.end(json);
    record.status = 200;
    record.text = text;
    record.firstDeltaAt = Date.now();
    record.outcome = 'completed';
    record.completedAt = Date.now();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `fake failed: ${String(error)}` } }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const describe = () =>
    `fake Anthropic requests (${requests.length}):\n` +
    requests.map((r) => `  ${r.id} stream=${r.stream} status=${r.status ?? '-'} outcome=${r.outcome}`).join('\n');

  return {
    url,
    requests,
    enqueueReply(reply, times = 1) {
      for (let i = 0; i < times; i += 1) queue.push(reply);
    },
    async waitForRequests(count, timeoutMs = 5000) {
      await waitFor(() => requests.length >= count, { timeoutMs, describe });
      return requests;
    },
    usageTotals() {
      const totals: FakeUsageTotals = {
        requests: 0,
        input_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 0,
      };
      for (const { usage } of requests) {
        if (!usage) continue;
        totals.requests += 1;
        totals.input_tokens += usage.input_tokens;
        totals.cache_creation_input_tokens += usage.cache_creation_input_tokens;
        totals.cache_read_input_tokens += usage.cache_read_input_tokens;
        totals.output_tokens += usage.output_tokens;
      }
      return totals;
    },
    clearCache: () => cache.clear(),
    reset() {
      requests.length = 0;
      queue.length = 0;
      cache.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
