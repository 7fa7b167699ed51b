import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, InternalServerError, RateLimitError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { readRetryAfterMs, toModelCallError } from './to-model-call-error.js';

function apiError(status: number, type: string, headers: Record<string, string> = {}) {
  return APIError.generate(status, { type: 'error', error: { type, message: 'fake' } }, undefined, new Headers({ 'request-id': 'req_1', ...headers }));
}

describe('readRetryAfterMs (SDK 1.14 errors carry WHATWG Headers)', () => {
  it('reads retry-after seconds, retry-after-ms first, and an HTTP date', () => {
    expect(readRetryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(readRetryAfterMs(new Headers({ 'retry-after': '0.5' }))).toBe(500);
    expect(readRetryAfterMs(new Headers({ 'retry-after': '9', 'retry-after-ms': '250' }))).toBe(250);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(readRetryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
  });

  it('is undefined without headers or with nonsense', () => {
    expect(readRetryAfterMs(undefined)).toBeUndefined();
    expect(readRetryAfterMs(new Headers())).toBeUndefined();
    expect(readRetryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(readRetryAfterMs(new Headers({ 'retry-after': '-3' }))).toBeUndefined();
  });
});

describe('toModelCallError', () => {
  it('maps a 429 to a retryable rate limit with the request id and retry-after', () => {
    const error = toModelCallError(apiError(429, 'rate_limit_error', { 'retry-after': '3' }), false);
    expect(apiError(429, 'rate_limit_error')).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: 'model_rate_limited', retryable: true, requestId: 'req_1', retryAfterMs: 3000 });
  });

  it('maps 529 and 5xx to retryable errors', () => {
    expect(toModelCallError(apiError(529, 'overloaded_error'), false)).toMatchObject({ code: 'model_overloaded', retryable: true });
    expect(apiError(500, 'api_error')).toBeInstanceOf(InternalServerError);
    expect(toModelCallError(apiError(500, 'api_error'), false)).toMatchObject({ code: 'model_server_error', retryable: true });
  });

  it('maps 401 and 400 to errors that are not retried, keeping the request id', () => {
    expect(toModelCallError(apiError(401, 'authentication_error'), false)).toMatchObject({ code: 'model_auth_failed', retryable: false, requestId: 'req_1' });
    expect(toModelCallError(apiError(400, 'invalid_request_error'), false)).toMatchObject({ code: 'model_invalid_request', retryable: false });
  });

  it('maps an SSE error event (no status) by its type, and a connection error to connection lost', () => {
    const midStream = new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers());
    expect(toModelCallError(midStream, false, { knownRequestId: 'req_known' })).toMatchObject({ code: 'model_overloaded', requestId: 'req_known' });
    expect(toModelCallError(new APIConnectionError({ message: 'reset' }), false, { knownRequestId: 'req_2', started: true })).toMatchObject({
      code: 'model_connection_lost',
      retryable: true,
      requestId: 'req_2',
    });
  });

  it('treats aborts as aborts', () => {
    expect(toModelCallError(new APIUserAbortError(), false)).toMatchObject({ code: 'model_aborted', retryable: false });
    expect(toModelCallError(new Error('whatever'), true)).toMatchObject({ code: 'model_aborted' });
  });

  it('maps 404 to an unknown model or wrong base URL, naming the model; 413 and an over-long 400 to too long; 403 to the key', () => {
    expect(toModelCallError(apiError(404, 'not_found_error'), false, { model: 'claude-fable-9', host: 'proxy.local' })).toMatchObject({
      code: 'model_not_found',
      retryable: false,
      details: { status: 404, model: 'claude-fable-9', host: 'proxy.local' },
    });
    expect(toModelCallError(apiError(413, 'request_too_large'), false)).toMatchObject({ code: 'model_request_too_large', retryable: false });
    const tooLong = APIError.generate(400, { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 212000 tokens > 200000 maximum' } }, undefined, new Headers());
    expect(toModelCallError(tooLong, false)).toMatchObject({ code: 'model_request_too_large' });
    expect(toModelCallError(apiError(403, 'permission_error'), false)).toMatchObject({ code: 'model_auth_failed', details: { status: 403 } });
  });
});

describe('toModelCallError before the answer started: could not connect, and why', () => {
  const fetchFailure = (code: string) => new APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) }) });

  it('names DNS, refused and TLS failures with the host; a wrong name or certificate is not retried, a refusal is', () => {
    expect(toModelCallError(fetchFailure('ENOTFOUND'), false, { host: 'api.example.invalid' })).toMatchObject({
      code: 'model_unreachable',
      retryable: false,
      details: { host: 'api.example.invalid', reason: 'dns', systemCode: 'ENOTFOUND' },
    });
    expect(toModelCallError(fetchFailure('ECONNREFUSED'), false, { host: '127.0.0.1:9' })).toMatchObject({
      code: 'model_unreachable',
      retryable: true,
      details: { reason: 'refused', systemCode: 'ECONNREFUSED' },
    });
    expect(toModelCallError(fetchFailure('ERR_SSL_WRONG_VERSION_NUMBER'), false, { host: 'h' })).toMatchObject({ retryable: false, details: { reason: 'tls' } });
    expect(toModelCallError(fetchFailure('DEPTH_ZERO_SELF_SIGNED_CERT'), false, { host: 'h' })).toMatchObject({ details: { reason: 'tls' } });
  });

  it('reads a failed IPv4-and-IPv6 attempt (AggregateError) and a header timeout', () => {
    const both = new APIConnectionError({ cause: new AggregateError([Object.assign(new Error('v6'), { code: 'ECONNREFUSED' })], 'connect failed') });
    expect(toModelCallError(both, false, { host: 'h' })).toMatchObject({ code: 'model_unreachable', details: { reason: 'refused' } });
    expect(toModelCallError(new APIConnectionTimeoutError(), false, { host: 'h' })).toMatchObject({ code: 'model_no_response', retryable: true });
  });

  it('calls a break after the response began a lost connection, not a failure to connect', () => {
    expect(toModelCallError(fetchFailure('ECONNRESET'), false, { started: true })).toMatchObject({ code: 'model_connection_lost', retryable: true });
    expect(toModelCallError(fetchFailure('ECONNRESET'), false, { started: false })).toMatchObject({ code: 'model_unreachable', details: { reason: 'reset' } });
  });
});
