import type { WebClient } from '@slack/web-api';
import { sleep } from '../../core/conversation/sleep.js';
import type { Logger } from '../../core/conversation/ports.js';
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
  /** Longest single wait honoured for `Retry-After` (text keeps buffering meanwhile). */
  maxRetryAfterMs?: number;
  /** Attempts for rate limits and transient failures. */
  maxAttempts?: number;
  /** Called for every failed attempt (metrics). */
  onError?: (method: string, code: string) => void;
}

/**
 * Calls a Web API method. Rate limits wait for `Retry-After` (capped) and try again, so no
 * text is lost and only this one answer waits; transient transport failures retry with
 * backoff; Slack's platform errors are rethrown for the caller to handle by code.
 */
export async function callSlack<T>(
  client: WebClient,
  method: string,
  args: Record<string, unknown>,
  options: SlackCallOptions,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await client.apiCall(method, args)) as T;
    } catch (error) {
      const info = readSlackError(error);
      options.onError?.(method, info.code);
      const transient = info.code === 'ratelimited' || info.code === 'slack_webapi_request_error' || info.code === 'ECONNRESET';
      if (!transient || attempt >= maxAttempts) throw error;
      const waitMs =
        info.code === 'ratelimited'
          ? Math.min((info.retryAfterSeconds ?? 1) * 1000, maxRetryAfterMs)
          : Math.min(250 * 2 ** (attempt - 1), 4000);
      options.logger.warn({ method, code: info.code, attempt, waitMs }, 'slack call failed, retrying');
      await sleep(waitMs);
    }
  }
}
