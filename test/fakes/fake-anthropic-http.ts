import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeAnthropicFault } from './fake-anthropic-types.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};
const DEFAULT_MESSAGES: Record<string, string> = {
  rate_limit_error: 'This request would exceed the rate limit for your organization (fake).',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  authentication_error: 'invalid x-api-key',
};

/** HTTP status of an error type, for faults that name a type (non-streaming mid-stream faults). */
export const STATUS_OF_TYPE: Record<string, number> = { overloaded_error: 529, rate_limit_error: 429, api_error: 500 };

/** The parts of a status fault that shape an error response. */
export type FakeErrorShape = Partial<Extract<FakeAnthropicFault, { status: number }>>;

/**
 * Writes an API-shaped error (`{type:'error', error:{type, message}, request_id}`) with the
 * `request-id` header and, when the fault sets them, `retry-after`, `retry-after-ms` and
 * `x-should-retry`.
 */
export function writeApiError(res: ServerResponse, requestId: string, status: number, fault: FakeErrorShape = {}): void {
  const type = fault.errorType ?? ERROR_TYPES[status] ?? 'api_error';
  const body = JSON.stringify({
    type: 'error',
    error: { type, message: fault.message ?? DEFAULT_MESSAGES[type] ?? type },
    request_id: requestId,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry);
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Whether the request carries an acceptable API key: `x-api-key`, or `Authorization: Bearer` as
 * SDK 1.x sends it; any non-empty key unless `expected` is set.
 */
export function hasValidApiKey(req: IncomingMessage, expected: string | undefined): boolean {
  const apiKey = req.headers['x-api-key'] ?? /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return typeof apiKey === 'string' && apiKey !== '' && (expected === undefined || apiKey === expected);
}
