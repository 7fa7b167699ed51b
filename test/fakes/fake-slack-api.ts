import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackIdentity, SlackMethodContext, SlackMethodHandler } from './fake-slack-args.js';
import { decodeSlackRequest, readBody, sendJson } from './fake-slack-http.js';
import { fakeSlackMethods } from './fake-slack-methods.js';
import { FakeSlackFiles } from './fake-slack-files.js';
import { FakeSlackSessions } from './fake-slack-sessions.js';
import { FakeSlackRateLimits } from './fake-slack-rate-limits.js';
import { FakeSlackThreads } from './fake-slack-threads.js';
import { FakeSlackUsers } from './fake-slack-users.js';
import { FakeSlackViews } from './fake-slack-modals.js';
import type {
  EphemeralMessage,
  FakeSlackApiOptions,
  FakeSlackCall,
  FakeSlackFault,
  FakeSlackUser,
  SeedMessage,
  SendSocketEventOptions,
  SlackResult,
  SocketAck,
  SocketEnvelopeRecord,
  StatusChange,
  VisibleMessage,
} from './fake-slack-types.js';
import { describeSlackCalls } from './fake-slack-describe.js';
import { ingestSlackEvent } from './fake-slack-events.js';
import { FakeSocketModeServer, SOCKET_MODE_PATH } from './fake-socket-mode-server.js';
import { waitFor } from './wait-for.js';
import type { WaitForOptions } from './wait-for.js';

export type * from './fake-slack-types.js';

/** A JSON body POSTed to a response URL. */
export interface ResponseUrlPost {
  body: unknown;
  at: number;
}

/** A running fake Slack (Web API + Socket Mode + response URLs) on 127.0.0.1. */
export interface FakeSlackApi {
  /** Base URL for WebClient's `slackApiUrl`, e.g. `http://127.0.0.1:PORT/api/`. */
  readonly url: string;
  /** Files shared in events: hosted at private URLs that need the bot token. */
  readonly files: FakeSlackFiles;
  /** Agent sessions (`agents.sessions.*`), by thread. */
  readonly sessions: FakeSlackSessions;
  /** Modals: triggers for interactions, `views.open`, and `view_submission` payloads. */
  readonly views: FakeSlackViews;
  /** Per-method limits of the workspace (Slack's tiers), with what they accepted and refused. */
  readonly rateLimits: FakeSlackRateLimits;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly identity: SlackIdentity;
  /** Every Web API call, oldest first. */
  readonly calls: FakeSlackCall[];
  /** Every Socket Mode envelope sent, with its ack. */
  readonly socketEnvelopes: SocketEnvelopeRecord[];
  /** Stops the server (disconnect Socket Mode clients first, or they will try to reconnect). */
  close(): Promise<void>;
  /** Forgets calls, envelopes, faults, messages, ephemerals, statuses, responses, membership changes, users set and latency. */
  reset(): void;
  /** Answers the next `times` calls of `method` (or `'*'` for any method) with `fault`. */
  failNext(method: string, fault: FakeSlackFault, times?: number): void;
  /** Latency added to every Web API call from now on. */
  setLatencyMs(ms: number): void;
  callsTo(method: string): FakeSlackCall[];
  /** Visible messages in the thread (root first), or in the whole channel when `threadTs` is absent. */
  messagesIn(channel: string, threadTs?: string): VisibleMessage[];
  /** Text of the bot's messages in the thread, joined with `\n`. */
  threadText(channel: string, threadTs: string): string;
  ephemeralsFor(user: string): EphemeralMessage[];
  statusHistory(channel: string, threadTs: string): StatusChange[];
  /** Sets what `users.info` answers for `id` (`null`: `user_not_found`); forgotten on `reset`. */
  setUser(id: string, user: FakeSlackUser | null): void;
  /** Seeds a thread; `messages[0]` is the root (ts `rootTs`). Returns the messages' ts. */
  seedThread(channel: string, rootTs: string, messages: SeedMessage[]): string[];
  /** Seeds one message (a thread reply when `threadTs` is set). Returns its ts. */
  seedMessage(channel: string, message: SeedMessage & { threadTs?: string }): string;
  /** Records the human message an `event_callback` body describes (done automatically for Socket Mode events). */
  ingestEvent(eventCallback: unknown): void;
  /** Simulates the user pressing Stop on a streaming message: later appends answer `stopped_by_user`. */
  pressStop(ts: string): void;
  removeBotFrom(channel: string): void;
  addBotTo(channel: string): void;
  /** Polls until `predicate` is truthy; the timeout error lists the recent calls. */
  waitFor<T>(predicate: () => T | false | null | undefined | 0 | '', options?: WaitForOptions): Promise<T>;
  /** Sends an envelope to the connected Socket Mode client and resolves with its ack. */
  sendSocketEvent(payload: unknown, options?: SendSocketEventOptions): Promise<SocketAck>;
  /** Resolves once a Socket Mode client has connected (been sent `hello`). */
  socketConnected(): Promise<void>;
  socketConnectionCount(): number;
  /** Sends Slack's `{type:'disconnect'}` frame (the client reconnects). */
  requestSocketDisconnect(reason?: string): void;
  /** Cuts Socket Mode connections without a close frame. */
  dropSocketConnections(): void;
  /** A response URL on the fake (`/response/:id`) that records JSON POSTs. */
  responseUrl(id: string): string;
  responsesTo(id: string): ResponseUrlPost[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a fake Slack on 127.0.0.1 (random port) that speaks the real wire formats: Web API
 * calls as WebClient sends them (form-urlencoded POST, `Authorization: Bearer`), Slack's
 * `{ok:false, error}` answers with HTTP 200, 429 + `Retry-After` rate limits, and Socket Mode over
 * a `ws` server on the same port. See `fake-slack-methods.ts` for the implemented methods.
 */
export async function startFakeSlackApi(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  const identity: SlackIdentity = {
    botUserId: options.botUserId ?? 'UBOT',
    botId: options.botId ?? 'BBOT',
    teamId: options.teamId ?? 'T111',
    teamName: options.teamName ?? 'Fake Team',
    botName: options.botName ?? 'architect',
    appId: options.appId ?? 'A111',
  };
  const threads = new FakeSlackThreads();
  const sessions = new FakeSlackSessions();
  const rateLimits = new FakeSlackRateLimits();
  for (const [method, limit] of Object.entries(options.rateLimits ?? {})) rateLimits.set(method, limit);
  const users = new FakeSlackUsers(options.users);
  const views = new FakeSlackViews();
  const methods: Record<string, SlackMethodHandler> = { ...fakeSlackMethods, 'views.open': views.open };
  const calls: FakeSlackCall[] = [];
  const faults = new Map<string, FakeSlackFault[]>();
  const responses = new Map<string, ResponseUrlPost[]>();
  let notIn = new Set(options.notInChannels ?? []);
  let latencyMs = options.latencyMs ?? 0;
  let origin = '';
  // File downloads take the bot token as the Web API does (and answer the sign-in page without it).
  const files = new FakeSlackFiles(() => origin, (token) => token !== undefined && token.startsWith('xoxb-') && (options.botToken === undefined || token === options.botToken));

  const socket = new FakeSocketModeServer({
    appId: identity.appId,
    ackTimeoutMs: options.ackTimeoutMs ?? 3000,
    pingIntervalMs: options.socketPingIntervalMs ?? 0,
    onEnvelope: (type, payload) => {
      if (type === 'events_api') ingestSlackEvent(threads, identity, payload);
    },
  });

  const ctx: SlackMethodContext = {
    threads,
    sessions,
    identity,
    options,
    now: () => Date.now(),
    streamLifetimeMs: options.streamLifetimeMs ?? 5 * 60_000,
    isUnknownChannel: (channel) => (options.unknownChannels ?? []).includes(channel),
    isBotMember: (channel) => !notIn.has(channel),
    issueSocketUrl: () => socket.issueUrl(origin.replace(/^http/, 'ws')),
    userOf: (id) => users.userOf(id),
  };

  function authError(method: string, token: string | undefined): string | undefined {
    if (!token) return 'not_authed';
    const wantsApp = method === 'apps.connections.open';
    const expected = wantsApp ? options.appToken : options.botToken;
    const prefix = wantsApp ? 'xapp-' : 'xoxb-';
    if (!token.startsWith(prefix)) {
      return token.startsWith('xapp-') || token.startsWith('xoxb-') || token.startsWith('xoxp-')
        ? 'not_allowed_token_type'
        : 'invalid_auth';
    }
    if (expected !== undefined && token !== expected) return 'invalid_auth';
    return undefined;
  }

  function takeFault(method: string): FakeSlackFault | undefined {
    for (const key of [method, '*']) {
      const queue = faults.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const at = Date.now();
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const raw = await readBody(req);
    const decoded = decodeSlackRequest(raw, req.headers['content-type'], url.searchParams, req.headers.authorization);
    const reply = (httpStatus: number, response: SlackResult, headers: Record<string, string> = {}) => {
      calls.push({ method, args: decoded.args, token: decoded.token, at, httpStatus, response });
      sendJson(res, httpStatus, response, headers);
    };
    if (latencyMs > 0) await sleep(latencyMs);
    const handler = methods[method] ?? sessions.methods[method];
    if (!handler) return reply(200, { ok: false, error: 'unknown_method' });
    const auth = authError(method, decoded.token);
    if (auth) return reply(200, { ok: false, error: auth });
    const retryAfter = rateLimits.take(method, Date.now());
    if (retryAfter !== undefined) return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
    const fault = takeFault(method);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.rateLimitedSeconds !== undefined) {
      return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.rateLimitedSeconds) });
    }
    if (fault?.httpStatus !== undefined) return reply(fault.httpStatus, { ok: false, error: 'fatal_error' });
    if (fault?.error !== undefined) return reply(200, { ok: false, error: fault.error });
    if (decoded.decodeError) return reply(200, { ok: false, error: decoded.decodeError });
    return reply(200, handler(decoded.args, ctx));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    if (files.handle(req, res, url)) return;
    if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      const id = decodeURIComponent(url.pathname.slice('/response/'.length));
      const raw = await readBody(req);
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // Keep non-JSON bodies as text; Slack would reject them, the test can assert on it.
      }
      responses.set(id, [...(responses.get(id) ?? []), { body, at: Date.now() }]);
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'fake_internal_error', detail: String(error) });
    });
  });
  server.on('upgrade', (req, sock, head) => {
    if ((req.url ?? '').startsWith(SOCKET_MODE_PATH)) socket.handleUpgrade(req, sock, head);
    else sock.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const describe = () => {
    const unacked = socket.envelopes.filter((e) => !e.ack).length;
    return `${describeSlackCalls(calls)}\nsocket: ${socket.connectionCount} connected, ${socket.envelopes.length} envelopes sent (${unacked} unacked)`;
  };
  const visible = (list: ReturnType<FakeSlackThreads['inChannel']>) =>
    list.map((m) => threads.visible(m, Date.now()));

  return {
    url: `${origin}/api/`,
    origin,
    identity,
    calls,
    socketEnvelopes: socket.envelopes,
    async close() {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    reset() {
      calls.length = 0;
      socket.envelopes.length = 0;
      faults.clear();
      responses.clear();
      threads.clear();
      users.clear();
      files.clear();
      sessions.clear();
      views.reset();
      rateLimits.clear();
      for (const [method, limit] of Object.entries(options.rateLimits ?? {})) rateLimits.set(method, limit);
      notIn = new Set(options.notInChannels ?? []);
      latencyMs = options.latencyMs ?? 0;
    },
    failNext(method, fault, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(fault);
      faults.set(method, queue);
    },
    setLatencyMs(ms) {
      latencyMs = ms;
    },
    files,
    sessions,
    views,
    rateLimits,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messagesIn: (channel, threadTs) =>
      visible(threadTs === undefined ? threads.inChannel(channel) : threads.thread(channel, threadTs)),
    threadText: (channel, threadTs) =>
      visible(threads.thread(channel, threadTs))
        .filter((m) => m.isBot)
        .map((m) => m.text)
        .join('\n'),
    ephemeralsFor: (user) => threads.ephemeralsFor(user),
    statusHistory: (channel, threadTs) => threads.statusHistory(channel, threadTs),
    setUser: (id, user) => users.setUser(id, user),
    seedThread: (channel, rootTs, messages) => threads.seedThread(channel, rootTs, messages),
    seedMessage: (channel, message) =>
      threads.seed(channel, { ...message, ts: message.ts ?? threads.nextTs() }).ts,
    ingestEvent: (eventCallback) => ingestSlackEvent(threads, identity, eventCallback),
    pressStop(ts) {
      const message = threads.findByTs(ts);
      if (!message?.stream) throw new Error(`pressStop: ${ts} is not a streaming message`);
      message.stream.stoppedByUser = true;
    },
    removeBotFrom: (channel) => void notIn.add(channel),
    addBotTo: (channel) => void notIn.delete(channel),
    waitFor: (predicate, waitOptions = {}) => waitFor(predicate, { describe, ...waitOptions }),
    sendSocketEvent: (payload, sendOptions) => socket.send(payload, sendOptions),
    socketConnected: () => socket.connected(),
    socketConnectionCount: () => socket.connectionCount,
    requestSocketDisconnect: (reason) => socket.requestDisconnect(reason),
    dropSocketConnections: () => socket.dropConnections(),
    responseUrl: (id) => `${origin}/response/${encodeURIComponent(id)}`,
    responsesTo: (id) => [...(responses.get(id) ?? [])],
  };
}
