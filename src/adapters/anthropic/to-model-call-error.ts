import { APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { ModelCallError } from '../../core/errors.js';
import { readConnectionFailure } from '../network/read-connection-failure.js';

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

/** What the client knew about the call when it failed. */
export interface ModelCallContext {
  /** Request id from the stream's response, used when the error carries none (a drop mid-answer). */
  knownRequestId?: string;
  /** The API's host, named in "could not connect" diagnoses. */
  host?: string;
  /** The model the request asked for, named in a 404's diagnosis. */
  model?: string;
  /** True once the response had begun (its headers arrived): a broken connection then cut an answer short. */
  started?: boolean;
}

// Anthropic answers an over-long prompt with 400 invalid_request_error "prompt is too long: N tokens > M maximum".
const tooLongPattern = /prompt is too long|too many tokens|exceeds? the (?:maximum|context)/i;

/**
 * Maps whatever the Anthropic SDK threw to a typed `ModelCallError` that names what happened:
 * no connection (DNS, refused, TLS — with the host), no response in time, a break mid-answer,
 * 401/403, 404, 413 or an over-long 400, other 400s, 429, 529 and 5xx. Busy and network
 * failures are retryable; a wrong host name or certificate, a rejected key and rejected
 * requests are not (trying again in seconds cannot fix them).
 */
export function toModelCallError(error: unknown, aborted: boolean, context: ModelCallContext = {}): ModelCallError {
  if (error instanceof ModelCallError) return error;
  const { knownRequestId, host } = context;
  if (error instanceof APIUserAbortError || aborted) {
    return new ModelCallError('model_aborted', 'Model request aborted', false, { requestId: knownRequestId }, { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new ModelCallError('model_no_response', `No response headers from ${host ?? 'the model API'} in time`, true, { host, requestId: knownRequestId }, { cause: error });
  }
  if (error instanceof APIError && (error.status !== undefined || readErrorType(error) !== undefined)) {
    return fromApiError(error, context);
  }
  if (context.started) {
    return new ModelCallError('model_connection_lost', 'The connection to the model API broke mid-answer', true, { host, requestId: knownRequestId }, { cause: error });
  }
  const failure = readConnectionFailure(error);
  // A name that does not resolve, or a certificate that does not verify, will not fix itself in seconds.
  const retryable = !(failure.reason === 'tls' || (failure.reason === 'dns' && failure.systemCode === 'ENOTFOUND'));
  return new ModelCallError(
    'model_unreachable',
    `Could not connect to ${host ?? 'the model API'} (${failure.reason}${failure.systemCode ? `: ${failure.systemCode}` : ''})`,
    retryable,
    { host, reason: failure.reason, ...(failure.systemCode ? { systemCode: failure.systemCode } : {}), requestId: knownRequestId },
    { cause: error },
  );
}

function fromApiError(error: APIError, context: ModelCallContext): ModelCallError {
  const status = error.status;
  const type = readErrorType(error);
  const details = { status, requestId: error.requestID ?? context.knownRequestId, retryAfterMs: readRetryAfterMs(error.headers), host: context.host };
  const cause = { cause: error };
  if (type === 'overloaded_error' || status === 529) return new ModelCallError('model_overloaded', 'Claude is overloaded', true, details, cause);
  if (type === 'rate_limit_error' || status === 429) return new ModelCallError('model_rate_limited', 'Rate limited by the model API', true, details, cause);
  if (type === 'authentication_error' || type === 'permission_error' || status === 401 || status === 403) {
    return new ModelCallError('model_auth_failed', 'Model API rejected the credentials', false, details, cause);
  }
  if (type === 'not_found_error' || status === 404) {
    return new ModelCallError('model_not_found', `Model API answered 404: ${error.message}`, false, { ...details, model: context.model }, cause);
  }
  if (type === 'request_too_large' || status === 413 || (status === 400 && tooLongPattern.test(error.message))) {
    return new ModelCallError('model_request_too_large', `Model API rejected the request as too long: ${error.message}`, false, details, cause);
  }
  if (type === 'invalid_request_error' || status === 400) {
    return new ModelCallError('model_invalid_request', `Model API rejected the request: ${error.message}`, false, details, cause);
  }
  return new ModelCallError('model_server_error', 'Model API server error', true, details, cause);
}
