import { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { ModelCallError } from '../../core/errors.js';

function readErrorType(error: APIError): string | undefined {
  const body = error.error as { type?: string; error?: { type?: string } } | undefined;
  return body?.error?.type ?? (body?.type !== 'error' ? body?.type : undefined);
}

function readRetryAfterMs(error: APIError): number | undefined {
  const header = error.headers?.get?.('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * Maps whatever the Anthropic SDK threw to a typed `ModelCallError`: overloads, rate limits
 * and server errors are retryable; authentication and invalid requests are not.
 */
export function toModelCallError(error: unknown, aborted: boolean): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (error instanceof APIUserAbortError || aborted) {
    return new ModelCallError('model_aborted', 'Model request aborted', false, {}, { cause: error });
  }
  if (error instanceof APIError) {
    const status = error.status;
    const type = readErrorType(error);
    const details = { status, requestId: error.requestID ?? undefined, retryAfterMs: readRetryAfterMs(error) };
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
  return new ModelCallError('model_connection_lost', 'Connection to the model API failed', true, {}, { cause: error });
}
