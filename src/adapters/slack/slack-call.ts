import type { WebClient } from '@slack/web-api';
import { sleep } from '../../core/shared/sleep.js';
import type { Logger } from '../../core/shared/ports.js';
import { readSlackError } from './read-slack-error.js';

/** Error codes after which no message can be shown in that place. */
export const fatalSlackCodes = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'not_authed',
  'restricted_action',
]);

/** Options for one Slack Web API call with our retry rules. */
export interface SlackCallOptions {
  logger: Logger;
  /**
   * Most time one call may take across its retries, waits included (default 30 s). A
   * `Retry-After` that would overrun it fails the call at once instead of waiting: no answer
   * waits minutes.
   */
  timeBudgetMs?: number;
  /** Longest single wait accepted (default: the total budget); a longer `Retry-After` fails the call. */
  maxRetryAfterMs?: number;
  /** Attempts for rate limits and transient failures (default 5). */
  maxAttempts?: number;
  /** Called for every failed attempt (metrics). */
  onError?: (method: string, code: string) => void;
}

const transientCodes = new Set(['ratelimited', 'slack_webapi_request_error', 'ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED']);

/**
 * Calls a Web API method. A rate limit waits exactly `Retry-After` and tries again — only
 * this one call (and so only this one answer) waits; text keeps buffering meanwhile, so none
 * is lost. Transient transport failures retry with short backoff. Slack's platform errors are
 * rethrown for the caller to handle by code. The WebClient itself is built with
 * `rejectRateLimitedCalls: true` (see `create-slack-app.ts`), so its own policy never waits.
 */
export async function callSlack<T>(
  client: WebClient,
  method: string,
  args: Record<string, unknown>,
  options: SlackCallOptions,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  const timeBudgetMs = options.timeBudgetMs ?? 30_000;
  const maxSingleWaitMs = options.maxRetryAfterMs ?? timeBudgetMs;
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await client.apiCall(method, args)) as T;
    } catch (error) {
      const info = readSlackError(error);
      options.onError?.(method, info.code);
      if (!transientCodes.has(info.code) || attempt >= maxAttempts) throw error;
      const waitMs =
        info.code === 'ratelimited' ? Math.max(0, (info.retryAfterSeconds ?? 1) * 1000) : Math.min(250 * 2 ** (attempt - 1), 4000);
      const elapsedMs = Date.now() - startedAt;
      if (waitMs > maxSingleWaitMs || elapsedMs + waitMs > timeBudgetMs) {
        options.logger.warn({ method, code: info.code, attempt, waitMs, elapsedMs }, 'slack call failed; retrying would exceed the time budget, giving up');
        throw error;
      }
      options.logger.warn({ method, code: info.code, attempt, waitMs }, 'slack call failed, retrying');
      await sleep(waitMs);
    }
  }
}
