import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Clock, Logger } from '../../core/shared/ports.js';

/** A readiness check: resolves ok or with the reason it is not ready. */
export type ReadinessCheck = () => Promise<{ ok: true } | { ok: false; reason: string }>;

/** Options for the HTTP server. */
export interface HttpServerOptions {
  logger: Logger;
  clock: Clock;
  /** Bolt's request listener for `/slack/events` (HTTP mode only). */
  slackRequestListener?: RequestListener;
  /** Named readiness checks reported by `/readyz`. */
  readiness: Record<string, ReadinessCheck>;
  /** Prometheus text for `/metrics`. */
  renderMetrics?: () => Promise<{ contentType: string; body: string }>;
  /** Largest allowed clock skew of a Slack request timestamp, in seconds (Slack: 5 minutes). */
  maxSkewSeconds?: number;
  /** While draining for shutdown, `/readyz` reports not ready and new Slack requests get 503. */
  isDraining?: () => boolean;
  /** A readiness check that takes longer than this counts as failed (default 4 s). */
  readinessTimeoutMs?: number;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * Rejects Slack requests dated too far in the past or the future. Bolt rejects only stale
 * ones; a future-dated signed request could otherwise be replayed later.
 */
function isTimestampFresh(request: IncomingMessage, nowMs: number, maxSkewSeconds: number): boolean {
  const header = request.headers['x-slack-request-timestamp'];
  const value = Number(Array.isArray(header) ? header[0] : header);
  if (!Number.isFinite(value)) return false;
  return Math.abs(nowMs / 1000 - value) <= maxSkewSeconds;
}

/** The process's HTTP server: Slack events, health, readiness and metrics on one port. */
export function createHttpServer(options: HttpServerOptions): Server {
  const maxSkewSeconds = options.maxSkewSeconds ?? 300;
  const readinessState = { lastFailing: '' };
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (request.method === 'GET' && path === '/readyz') {
      void reportReadiness(options, readinessState, response);
      return;
    }
    if (request.method === 'GET' && path === '/metrics' && options.renderMetrics) {
      options
        .renderMetrics()
        .then(({ contentType, body }) => {
          response.writeHead(200, { 'content-type': contentType });
          response.end(body);
        })
        .catch((error: unknown) => {
          options.logger.error({ err: error }, 'metrics rendering failed');
          sendJson(response, 500, { error: 'metrics unavailable' });
        });
      return;
    }
    if (path === '/slack/events' && options.slackRequestListener) {
      if (request.method === 'POST' && !isTimestampFresh(request, options.clock.now(), maxSkewSeconds)) {
        options.logger.warn({ path }, 'rejected Slack request with a missing or out-of-window timestamp');
        request.resume();
        sendJson(response, 401, { error: 'invalid request timestamp' });
        return;
      }
      if (options.isDraining?.()) {
        // Slack retries on 5xx: another replica (or this one after restart) takes it.
        request.resume();
        sendJson(response, 503, { error: 'shutting down' });
        return;
      }
      options.slackRequestListener(request, response);
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  });
}

/** Runs one check, bounded in time; a throw or a timeout is a failure with a reason. */
async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `check did not finish within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check(), timeout]);
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'check failed' };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/readyz`: 200 `{status:'ready', checks}` or 503 `{status:'not ready', failing, checks}`,
 * where `checks` maps each check to `ok` or the reason it failed and `failing` lists the
 * failed checks by name.
 */
async function reportReadiness(options: HttpServerOptions, state: { lastFailing: string }, response: ServerResponse): Promise<void> {
  const checks: Record<string, string> = {};
  const failing: string[] = [];
  if (options.isDraining?.()) {
    checks.shutdown = 'draining: this process is shutting down';
    failing.push('shutdown');
  }
  const timeoutMs = options.readinessTimeoutMs ?? 4_000;
  const results = await Promise.all(
    Object.entries(options.readiness).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
  );
  for (const [name, result] of results) {
    checks[name] = result.ok ? 'ok' : result.reason;
    if (!result.ok) failing.push(name);
  }
  const ready = failing.length === 0;
  // Log changes only: probes run every few seconds.
  const summary = failing.map((name) => `${name}: ${checks[name]}`).join('; ');
  if (summary !== state.lastFailing) {
    if (ready) options.logger.info({}, 'ready');
    else options.logger.warn({ failing, checks }, 'not ready');
    state.lastFailing = summary;
  }
  sendJson(response, ready ? 200 : 503, ready ? { status: 'ready', checks } : { status: 'not ready', failing, checks });
}
