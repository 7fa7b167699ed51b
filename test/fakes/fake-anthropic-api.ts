import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FakeAnthropicCache } from './fake-anthropic-cache.js';
import { type FakeErrorShape, hasValidApiKey, writeApiError } from './fake-anthropic-http.js';
import { answerModelsRequest, DEFAULT_FAKE_MODELS, type FakeModelsContext } from './fake-anthropic-models.js';
import { defaultFakeReply } from './fake-anthropic-reply.js';
import { sendFakeReply } from './fake-anthropic-send-reply.js';
import type {
  FakeAnthropicApiOptions,
  FakeAnthropicReply,
  FakeAnthropicRequest,
  FakeMessagesBody,
  FakeModelsFault,
  FakeModelsRequest,
  FakeToolDefinition,
  FakeUsage,
} from './fake-anthropic-types.js';
import { validateFakeMessagesBody } from './fake-anthropic-validate.js';
import { waitFor } from './wait-for.js';

export type * from './fake-anthropic-types.js';
export { DEFAULT_FAKE_MODELS } from './fake-anthropic-models.js';
export * from './fake-anthropic-request-blocks.js';

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
  /** Every `GET /v1/models` / `GET /v1/models/{id}` request, oldest first (kept apart from `requests`). */
  readonly modelsRequests: FakeModelsRequest[];
  /** Queues replies (FIFO, one per request); `times` queues the same reply repeatedly. */
  enqueueReply(reply: FakeAnthropicReply, times?: number): void;
  /** Queues failures of the models endpoint (FIFO, one per models request), e.g. to test a start-up fallback. */
  enqueueModelsFault(fault: FakeModelsFault, times?: number): void;
  /** Resolves with `requests` once at least `n` requests arrived (default timeout 5000 ms). */
  waitForRequests(n: number, timeoutMs?: number): Promise<FakeAnthropicRequest[]>;
  /** Summed usage of all requests that got a response. */
  usageTotals(): FakeUsageTotals;
  /** Empties the prompt cache. */
  clearCache(): void;
  /** Forgets requests (messages and models), queued replies and models faults, and the cache. */
  reset(): void;
  /** Destroys open sockets (so stalled streams cannot hang) and stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a fake Anthropic Messages API (`POST /v1/messages`) on 127.0.0.1 that speaks the real
 * wire format: an API key (`x-api-key`, or `Authorization: Bearer` as SDK 1.x sends it) and
 * `anthropic-version` required, API-shaped error bodies with a
 * `request-id` header, JSON replies or SSE streams framed like the API (text, or content blocks:
 * thinking, client tool use, server web search / fetch), scripted faults, a prompt-cache model
 * reporting cache read/creation tokens (see `FakeAnthropicCache`), and the models list
 * (`GET /v1/models`, `GET /v1/models/{id}`, see `answerModelsRequest`).
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
  const modelsRequests: FakeModelsRequest[] = [];
  const modelsFaults: FakeModelsFault[] = [];
  const modelsContext: FakeModelsContext = {
    models: options.models ?? DEFAULT_FAKE_MODELS,
    apiKey: options.apiKey,
    takeFault: () => modelsFaults.shift(),
    record: (request) => modelsRequests.push(request),
    nextRequestId: () => `req_fake_models_${modelsRequests.length + 1}`,
  };

  function sendError(res: ServerResponse, record: FakeAnthropicRequest, status: number, fault: FakeErrorShape = {}): void {
    writeApiError(res, record.id, status, fault);
    record.status = status;
    record.outcome = 'http_error';
    record.completedAt = Date.now();
  }

  function nextReply(body: FakeMessagesBody, n: number): FakeAnthropicReply {
    const reply = queue.shift() ?? options.defaultReply?.(body, n) ?? defaultFakeReply(body, n);
    return { ...options.replyDefaults, ...reply };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === '/v1/models' || path.startsWith('/v1/models/')) return answerModelsRequest(req, res, modelsContext);
    counter += 1;
    const n = counter;
    const record: FakeAnthropicRequest = {
      id: `req_fake_${n}`,
      body: undefined,
      headers: req.headers,
      stream: false,
      receivedAt: Date.now(),
      outcome: 'pending',
      tools: [],
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
    const tools = (parsed as { tools?: unknown } | null)?.tools;
    if (Array.isArray(tools)) record.tools = tools as FakeToolDefinition[];

    if (req.method !== 'POST' || path !== '/v1/messages') {
      return sendError(res, record, 404, { message: `Not found: ${req.method} ${path}` });
    }
    if (!hasValidApiKey(req, options.apiKey)) return sendError(res, record, 401);
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

    await sendFakeReply({ req, res, record, body, reply, n, inputUsage: cache.usageFor(body), sendError });
    // Benchmarks of memory drop what was sent once it is answered: the fake's records are not the bot's memory.
    if (options.keepRequestBodies === false) record.body = undefined;
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
    modelsRequests,
    enqueueReply(reply, times = 1) {
      if (reply.blocks && (reply.text !== undefined || reply.tokens !== undefined)) {
        throw new Error('fake reply: `blocks` excludes `text` and `tokens`');
      }
      for (let i = 0; i < times; i += 1) queue.push(reply);
    },
    enqueueModelsFault(fault, times = 1) {
      for (let i = 0; i < times; i += 1) modelsFaults.push(fault);
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
      modelsRequests.length = 0;
      modelsFaults.length = 0;
      cache.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
