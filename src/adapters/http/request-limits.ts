/** Bounds on what one HTTP request may cost the process before anyone knows it came from Slack. */
export interface RequestLimits {
  /** Largest request body accepted, in bytes; larger ones get 413 before they are buffered. */
  maxBodyBytes: number;
  /** Headers and body must have arrived within this long, else 408 (or the connection closes). */
  requestTimeoutMs: number;
  /** Most request bodies being received (not yet signature-checked) at once; beyond it, 503. */
  maxUnverifiedBodies: number;
}

/**
 * 1 MB: Slack's payloads are event envelopes and interactivity forms, tens of KB at most even
 * for a message full of blocks or a modal's whole state (Bolt's own default is 4 MB).
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * 10 s: Slack gives up on an ack after 3 s and retries, so a request still arriving after 10 s
 * is never one worth waiting for — only a slow-loris holding a connection and a buffer.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * 64: a real Slack body arrives in one or two packets and is in flight for well under a
 * millisecond, so even a busy workspace keeps a handful at once; 64 × 1 MB bounds the memory
 * that unauthenticated senders can pin to 64 MB.
 */
export const MAX_UNVERIFIED_BODIES = 64;

/** The production limits. */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  maxBodyBytes: MAX_BODY_BYTES,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  maxUnverifiedBodies: MAX_UNVERIFIED_BODIES,
};
