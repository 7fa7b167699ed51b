import { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { ModelCallError } from '../../core/errors.js';

function readErrorType(error: APIError): string | undefined {
  if (error.type) return error.type;
  const body = error.error as { type?: string; error?: { type?: string } } | undefined;
  return body?.error?.type ?? (body?.type !== 'error' ? body?.type : undefined);
}

/**
 * The server's requested wait, from an SDK 1.x error's `headers` (a WHATWG `Headers`, or
 * undefined for connection errors): `retry-after-ms` first (the SDK's own preference), then
 * `retry-after` as seconds or an HTTP date.
 */
export function readRetryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * Maps whatever the Anthropic SDK threw to a typed `ModelCallError`: overloads, rate limits
 * and server errors are retryable; authentication and invalid requests are not.
 * `knownRequestId` (from the stream's response) is used when the error carries none, e.g.
 * when the connection dropped mid-answer.
 */
export function toModelCallError(error: unknown, aborted: boolean, knownRequestId?: string): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (error instanceof APIUserAbortError || aborted) {
    return new ModelCallError('model_aborted', 'Model request aborted', false, { requestId: knownRequestId }, { cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const type = readErrorType(error);
    const details = {
      status,
      requestId: error.requestID ?? knownRequestId,
      retryAfterMs: readRetryAfterMs(error.headers),
    };
    if (type === 'overloaded_error' || status === 529) {
      return new ModelCallError('model_overloaded', 'Claude is overloaded', true, details, { cause: error });
    }
    if (type === 'rate_limit_error' || status === 429) {
      return new ModelCallError('model_rate_limited', 'Rate limited by the model API', true, details, { cause: error });
    }
    if (type === 'authentication_error' || type === 'permission_error' || status === 401 || status === 403) {
      return new ModelCallError('model_auth_failed', 'Model API rejected the credentials', false, details, { cause: error });
    }
    if (type === 'invalid_request_error' || type === 'not_found_error' || status === 400 || status === 404 || status === 413) {
      return new ModelCallError('model_invalid_request', `Model API rejected the request: ${error.message}`, false, details, {
        cause: error,
      });
    }
    if (status === undefined && type === undefined) {
      return new ModelCallError('model_connection_lost', 'Connection to the model API failed', true, details, { cause: error });
    }
    return new ModelCallError('model_server_error', 'Model API server error', true, details, { cause: error });
  }
  return new ModelCallError('model_connection_lost', 'Connection to the model API failed', true, { requestId: knownRequestId }, { cause: error });
}
