import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/shared/ports.js';
import { sendJson } from './send-json.js';

/** What `/metrics` serves, and who may read it. */
export interface MetricsEndpoint {
  /** Prometheus text. */
  render: () => Promise<{ contentType: string; body: string }>;
  /** When set, a scrape must carry `Authorization: Bearer <token>`. */
  token?: string;
}

function readBearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Compares in constant time: hashing first gives equal lengths, so not even the length leaks. */
function isSameToken(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Answers `GET /metrics`: 401 with `WWW-Authenticate: Bearer` without the right token, else the metrics. */
export function serveMetrics(request: IncomingMessage, response: ServerResponse, endpoint: MetricsEndpoint, logger: Logger): void {
  if (endpoint.token !== undefined) {
    const presented = readBearerToken(request);
    if (presented === undefined || !isSameToken(presented, endpoint.token)) {
      // Debug only: a misconfigured scraper would repeat this every few seconds.
      logger.debug({ tokenPresented: presented !== undefined }, 'refused a /metrics scrape without the right token');
      sendJson(response, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="metrics"' });
      return;
    }
  }
  endpoint
    .render()
    .then(({ contentType, body }) => {
      response.writeHead(200, { 'content-type': contentType });
      response.end(body);
    })
    .catch((error: unknown) => {
      logger.error({ err: error }, 'metrics rendering failed');
      sendJson(response, 500, { error: 'metrics unavailable' });
    });
}
