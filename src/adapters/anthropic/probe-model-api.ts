import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { Logger } from '../../core/shared/ports.js';
import { readApiHost } from '../network/read-connection-failure.js';
import { retryWithBackoff, type RetryLoop } from '../network/retry-with-backoff.js';
import { toModelCallError } from './to-model-call-error.js';

/** Options for {@link probeModelApi}. */
export interface ModelApiProbeOptions {
  apiKey: string;
  baseUrl?: string;
  logger: Logger;
  /** Per try: the wait for an answer. Default 10 s. */
  timeoutMs?: number;
  /** Backoff between tries while unreachable (see `retryWithBackoff`). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * At start, asks the model API for one model (`GET /v1/models?limit=1`: cheap, and it checks
 * the key too). When it cannot be reached, the log says which host and why (DNS, refused,
 * TLS …) once, then the probe keeps trying with backoff and says when it is reachable again.
 * A rejected key is logged once and not retried (only a new key fixes it). Nothing is refused
 * meanwhile: every question still tries the model, and says what went wrong.
 */
export function probeModelApi(options: ModelApiProbeOptions): RetryLoop {
  const host = readApiHost(options.baseUrl);
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs ?? 10_000,
  });
  let failing = false;
  return retryWithBackoff({
    initialDelayMs: options.initialDelayMs,
    maxDelayMs: options.maxDelayMs,
    attempt: async () => {
      try {
        await client.models.list({ limit: 1 });
        options.logger.info({ host }, failing ? 'model API reachable again' : 'model API reachable');
        return true;
      } catch (caught) {
        const error = toModelCallError(caught, false, { host });
        if (caught instanceof APIError && caught.status !== undefined) {
          // The server answered: the network is fine. Say what it said, once.
          const level = error.code === 'model_auth_failed' || error.code === 'model_not_found' ? 'error' : 'warn';
          options.logger[level]({ host, status: caught.status, code: error.code, requestId: error.requestId }, `model API at ${host} answered ${caught.status} at start (${error.code})`);
          return true;
        }
        if (!failing) {
          options.logger.error(
            { host, code: error.code, reason: error.details.reason, systemCode: error.details.systemCode },
            `cannot reach the model API at start: ${error.message}; retrying in the background with backoff`,
          );
        }
        failing = true;
        return false;
      }
    },
  });
}
