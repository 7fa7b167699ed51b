import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../../core/shared/ports.js';
import { readBoundedBody } from './read-bounded-body.js';
import type { RequestLimits } from './request-limits.js';
import { sendJson } from './send-json.js';

/** Options for the `/slack/events` route. */
export interface SlackRouteOptions {
  logger: Logger;
  clock: Clock;
  /** Bolt's request listener: verifies the signature and dispatches. */
  slackRequestListener: RequestListener;
  /** Largest allowed clock skew of a Slack request timestamp, in seconds. */
  maxSkewSeconds: number;
  isDraining?: () => boolean;
  limits: RequestLimits;
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

/**
 * `/slack/events`, in front of Bolt: cheap header checks first (timestamp window, draining),
 * then the body is read under the request limits — a bounded number at once, bounded in size
 * and time — and handed to Bolt already buffered (Bolt uses a `rawBody` it finds instead of
 * reading the stream), so Bolt's signature check stays the one that decides.
 */
export function createSlackRoute(options: SlackRouteOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { logger, limits } = options;
  let unverifiedBodies = 0;
  return (request, response) => {
    if (request.method === 'POST' && !isTimestampFresh(request, options.clock.now(), options.maxSkewSeconds)) {
      logger.warn({ path: '/slack/events' }, 'rejected Slack request with a missing or out-of-window timestamp');
      sendJson(response, 401, { error: 'invalid request timestamp' }, {}, true);
      return;
    }
    if (options.isDraining?.()) {
      // Slack retries on 5xx: another replica (or this one after restart) takes it.
      sendJson(response, 503, { error: 'shutting down' }, {}, true);
      return;
    }
    if (unverifiedBodies >= limits.maxUnverifiedBodies) {
      logger.warn({ limit: limits.maxUnverifiedBodies }, 'refused a Slack request: too many request bodies arriving at once');
      sendJson(response, 503, { error: 'busy' }, { 'retry-after': '1' }, true);
      return;
    }
    unverifiedBodies += 1;
    void readBoundedBody(request, { maxBytes: limits.maxBodyBytes, timeoutMs: limits.requestTimeoutMs }).then((result) => {
      unverifiedBodies -= 1;
      switch (result.outcome) {
        case 'complete':
          options.slackRequestListener(Object.assign(request, { rawBody: result.body }), response);
          return;
        case 'too-large':
          logger.warn({ limitBytes: limits.maxBodyBytes, receivedBytes: result.receivedBytes }, 'refused a Slack request: body too large');
          sendJson(response, 413, { error: 'request body too large' }, {}, true);
          return;
        case 'timed-out':
          logger.warn({ timeoutMs: limits.requestTimeoutMs, receivedBytes: result.receivedBytes }, 'refused a Slack request: body did not arrive in time');
          sendJson(response, 408, { error: 'request timeout' }, {}, true);
          return;
        case 'aborted':
          logger.debug({ receivedBytes: result.receivedBytes }, 'a Slack request was abandoned mid-body');
          return;
      }
    });
  };
}
