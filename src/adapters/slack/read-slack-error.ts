import { DeliveryError, type DeliveryErrorCode } from '../../core/errors.js';

/** Slack's error code and retry hint, read from whatever the WebClient threw. */
export interface SlackErrorInfo {
  /** Slack's `error` string (`not_in_channel`, `ratelimited` …) or a transport code. */
  code: string;
  /** Seconds Slack asked us to wait (rate limits). */
  retryAfterSeconds?: number;
}

/**
 * Reads a WebClient error: platform errors carry `data.error`; rate limits (when the client
 * rejects them) carry `retryAfter`; transport failures carry their own `code`.
 */
export function readSlackError(error: unknown): SlackErrorInfo {
  const value = error as { code?: string; data?: { error?: string }; retryAfter?: number; original?: { code?: string } };
  if (value?.data?.error) return { code: value.data.error };
  if (value?.code === 'slack_webapi_rate_limited_error') return { code: 'ratelimited', retryAfterSeconds: value.retryAfter };
  if (value?.original?.code) return { code: value.original.code };
  if (value?.code) return { code: value.code };
  return { code: 'unknown_error' };
}

/** The delivery error code for a Slack error code (what the core and the user's words branch on). */
export function deliveryCodeFor(slackCode: string): DeliveryErrorCode {
  switch (slackCode) {
    case 'not_in_channel':
      return 'delivery_not_in_channel';
    case 'channel_not_found':
    case 'is_archived':
      return 'delivery_channel_not_found';
    case 'invalid_auth':
    case 'account_inactive':
    case 'token_revoked':
    case 'not_authed':
      return 'delivery_auth_failed';
    case 'ratelimited':
      return 'delivery_rate_limited';
    case 'stopped_by_user':
      return 'delivery_stopped_by_user';
    default:
      return 'delivery_failed';
  }
}

/** The typed error for an answer Slack refused: its Slack code, the channel and the method that failed. */
export function toDeliveryError(error: unknown, channel: string, method: string | undefined): DeliveryError {
  const { code } = readSlackError(error);
  return new DeliveryError(deliveryCodeFor(code), `Slack refused the answer: ${code}`, { slackCode: code, channel, method }, { cause: error });
}
