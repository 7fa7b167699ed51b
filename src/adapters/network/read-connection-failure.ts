import type { ConnectionFailureReason } from '../../core/errors.js';

/** Why a connection could not be made, read from a fetch error's cause chain. */
export interface ConnectionFailure {
  reason: ConnectionFailureReason;
  /** The system's own code (`ENOTFOUND`, `ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER` …), when there is one. */
  systemCode?: string;
}

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const refusedCodes = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const timeoutCodes = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
// OpenSSL and Node's certificate checks: a wrong scheme, an untrusted, expired or mismatched certificate.
const tlsCodePattern = /^(EPROTO$|ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

/** The error codes along an error's `cause` chain (fetch wraps the socket's error in `TypeError: fetch failed`). */
function collectCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== null && typeof current === 'object' && depth < 6; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    // AggregateError (happy eyeballs: IPv4 and IPv6 both failed) keeps its parts in `errors`.
    const parts = (current as { errors?: unknown }).errors;
    if (Array.isArray(parts)) for (const part of parts) codes.push(...collectCodes(part));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** Reads why a request never reached the server; `network` when the chain names nothing known. */
export function readConnectionFailure(error: unknown): ConnectionFailure {
  const codes = collectCodes(error);
  const find = (test: (code: string) => boolean): string | undefined => codes.find(test);
  const classify: Array<[ConnectionFailureReason, (code: string) => boolean]> = [
    ['dns', (code) => dnsCodes.has(code)],
    ['tls', (code) => tlsCodePattern.test(code)],
    ['refused', (code) => refusedCodes.has(code)],
    ['timeout', (code) => timeoutCodes.has(code)],
    ['reset', (code) => resetCodes.has(code)],
  ];
  for (const [reason, test] of classify) {
    const systemCode = find(test);
    if (systemCode) return { reason, systemCode };
  }
  return { reason: 'network', ...(codes[0] ? { systemCode: codes[0] } : {}) };
}

/** Plain words for a reason, for logs ("refused (ECONNREFUSED)"). */
export function describeConnectionFailure(failure: ConnectionFailure): string {
  const words: Record<ConnectionFailureReason, string> = {
    dns: 'the host name does not resolve (DNS)',
    refused: 'the connection was refused',
    tls: 'the TLS handshake failed (certificate, or not an HTTPS server)',
    timeout: 'connecting timed out',
    reset: 'the connection was reset',
    network: 'a network error',
  };
  return `${words[failure.reason]}${failure.systemCode ? ` [${failure.systemCode}]` : ''}`;
}

/** The host (and port, when not the scheme's default) a base URL points at; `fallback` without one. */
export function readApiHost(baseUrl: string | undefined, fallback = 'api.anthropic.com'): string {
  if (!baseUrl) return fallback;
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}
