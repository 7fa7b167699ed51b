import type { RequestListener, Server } from 'node:http';
import type { Clock, Logger } from '../../core/shared/ports.js';
import { createBoundedServer } from './create-bounded-server.js';
import { createReadinessReporter, type ReadinessCheck } from './report-readiness.js';
import { createSlackRoute } from './create-slack-route.js';
import { declaresTooLargeBody } from './read-bounded-body.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './request-limits.js';
import { sendJson } from './send-json.js';
import { serveMetrics, type MetricsEndpoint } from './serve-metrics.js';

export type { ReadinessCheck } from './report-readiness.js';

/** Options for the HTTP server. */
export interface HttpServerOptions {
  logger: Logger;
  clock: Clock;
  /** Bolt's request listener for `/slack/events` (HTTP mode only). */
  slackRequestListener?: RequestListener;
  /** Named readiness checks reported by `/readyz`. */
  readiness: Record<string, ReadinessCheck>;
  /** Facts `/readyz` states as they are (e.g. `store: 'redis-cluster'`). */
  readinessInfo?: Record<string, string>;
  /** Prometheus text for `/metrics`. Unset (e.g. served on its own port instead) → 404 here. */
  renderMetrics?: MetricsEndpoint['render'];
  /** When set, `/metrics` requires this bearer token. */
  metricsToken?: string;
  /** Largest allowed clock skew of a Slack request timestamp, in seconds (Slack: 5 minutes). */
  maxSkewSeconds?: number;
  /** While draining for shutdown, `/readyz` reports not ready and new Slack requests get 503. */
  isDraining?: () => boolean;
  /** A readiness check that takes longer than this counts as failed (default 4 s). */
  readinessTimeoutMs?: number;
  /** Size, time and concurrency bounds on requests (tests shrink them); default {@link DEFAULT_REQUEST_LIMITS}. */
  limits?: Partial<RequestLimits>;
}

/** The process's HTTP server: Slack events, health, readiness and (unless served apart) metrics. */
export function createHttpServer(options: HttpServerOptions): Server {
  const limits: RequestLimits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
  const reportReadiness = createReadinessReporter({
    logger: options.logger,
    checks: options.readiness,
    info: options.readinessInfo,
    isDraining: options.isDraining,
    timeoutMs: options.readinessTimeoutMs ?? 4_000,
  });
  const slackRoute = options.slackRequestListener
    ? createSlackRoute({
        logger: options.logger,
        clock: options.clock,
        slackRequestListener: options.slackRequestListener,
        maxSkewSeconds: options.maxSkewSeconds ?? 300,
        isDraining: options.isDraining,
        limits,
      })
    : undefined;
  const metrics = options.renderMetrics ? { render: options.renderMetrics, token: options.metricsToken } : undefined;
  return createBoundedServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    // Before any route: a declared oversized body is refused unread, whoever it is for.
    if (declaresTooLargeBody(request, limits.maxBodyBytes)) {
      options.logger.warn({ path, limitBytes: limits.maxBodyBytes }, 'refused a request: declared body too large');
      sendJson(response, 413, { error: 'request body too large' }, {}, true);
      return;
    }
    if (request.method === 'GET' && path === '/healthz') {
      sendJson(response, 200, { status: 'ok' });
      return;
    }
    if (request.method === 'GET' && path === '/readyz') {
      void reportReadiness(response);
      return;
    }
    if (request.method === 'GET' && path === '/metrics' && metrics) {
      serveMetrics(request, response, metrics, options.logger);
      return;
    }
    if (path === '/slack/events' && slackRoute) {
      slackRoute(request, response);
      return;
    }
    sendJson(response, 404, { error: 'not found' });
  }, limits.requestTimeoutMs);
}
