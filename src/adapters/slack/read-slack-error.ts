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
