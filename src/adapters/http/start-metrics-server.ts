import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/shared/ports.js';
import { createBoundedServer } from './create-bounded-server.js';
import { REQUEST_TIMEOUT_MS } from './request-limits.js';
import { sendJson } from './send-json.js';
import { serveMetrics, type MetricsEndpoint } from './serve-metrics.js';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** `METRICS_PORT`; unset → no server (metrics stay on the main port). 0 → any free port (tests). */
  port?: number;
  endpoint: MetricsEndpoint;
  logger: Logger;
  /** Headers must arrive within this long (default {@link REQUEST_TIMEOUT_MS}). */
  requestTimeoutMs?: number;
}

/** The metrics-only server, or a stand-in when none was asked for. */
export interface MetricsServer {
  /** The port it listens on; undefined when metrics are served on the main port. */
  port?: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and nothing else) on its own port, so the port Slack reaches can stay
 * public while the scrape port stays inside the cluster.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  if (options.port === undefined) return { port: undefined, close: async () => undefined };
  const server = createBoundedServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') serveMetrics(request, response, options.endpoint, options.logger);
    else sendJson(response, 404, { error: 'not found' }, {}, request.method !== 'GET');
  }, options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, 'serving /metrics on its own port');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
