/**
 * Typed errors. Every error the crew raises on purpose carries a stable string `code`;
 * callers branch on `code`, never on message text. `describe-error-for-user.ts` is the one
 * place that turns an error into words a person sees in Slack.
 */
export class CrewError extends Error {
  /** Stable machine-readable code, e.g. `agent_not_found`. */
  readonly code: string;
  /** Extra structured context for logs (never user text or secrets). */
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** The named agent (or alias) is not in the crew. */
export class AgentNotFoundError extends CrewError {
  constructor(
    readonly requestedName: string,
    readonly suggestion: string | undefined,
  ) {
    super('agent_not_found', `No agent named "${requestedName}"`, { requestedName, suggestion });
  }
}

/** Configuration is invalid; `problems` name each variable and what is wrong. */
export class ConfigError extends CrewError {
  constructor(readonly problems: string[]) {
    super('config_invalid', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, { problems });
  }
}

/** The state store (Redis) could not be reached or answered with an error. */
export class StoreUnavailableError extends CrewError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, {}, options);
  }
}

/**
 * Another delivery of the same message holds its claim and has not queued it yet (a replica is
 * taking it, or died taking it). Not answered 200, so Slack delivers it again later — by then
 * the question is queued (the retry is a duplicate) or the claim has lapsed (the retry takes it).
 */
export class DeliveryInFlightError extends CrewError {
  constructor(deliveryId: string) {
    super('delivery_in_flight', 'The same delivery is being taken elsewhere; Slack will deliver it again', { deliveryId });
  }
}

/**
 * Codes a model call can fail with; `retryable` says whether trying again may help. Each names
 * what actually happened, so the words a person reads can be true:
 * - `model_unreachable`: no connection was made (DNS, refused, TLS …; `details.host`, `details.reason`);
 * - `model_no_response`: connected, but nothing of the answer arrived in time (`details.waitedMs`);
 * - `model_stalled`: the answer had started and then went silent;
 * - `model_connection_lost`: the answer had started and the connection broke;
 * - `model_auth_failed` (401/403), `model_not_found` (404: model or base URL), `model_request_too_large`
 *   (413, or a 400 saying the prompt is too long), `model_invalid_request` (any other 400);
 * - `model_rate_limited` (429), `model_overloaded` (529), `model_server_error` (other 5xx).
 */
export type ModelErrorCode =
  | 'model_overloaded'
  | 'model_rate_limited'
  | 'model_server_error'
  | 'model_unreachable'
  | 'model_no_response'
  | 'model_connection_lost'
  | 'model_stalled'
  | 'model_auth_failed'
  | 'model_not_found'
  | 'model_request_too_large'
  | 'model_invalid_request'
  | 'model_aborted';

/** Why no connection to the model API was made (`model_unreachable`). */
export type ConnectionFailureReason = 'dns' | 'refused' | 'tls' | 'timeout' | 'reset' | 'network';

/** Structured context of a model failure (for logs and for the words a person reads; never secrets). */
export interface ModelCallErrorDetails {
  status?: number;
  requestId?: string;
  retryAfterMs?: number;
  /** The model API's host (`api.anthropic.com`, or `ANTHROPIC_BASE_URL`'s host:port). */
  host?: string;
  /** Why the connection failed (`model_unreachable`), with the system's own code (`ECONNREFUSED` …). */
  reason?: ConnectionFailureReason;
  systemCode?: string;
  /** The model id the request asked for (`model_not_found`). */
  model?: string;
  /** How long the asker waited in total before the crew gave up (`model_no_response`). */
  waitedMs?: number;
}

/** A call to the model failed. */
export class ModelCallError extends CrewError {
  declare readonly code: ModelErrorCode;
  constructor(
    code: ModelErrorCode,
    message: string,
    readonly retryable: boolean,
    details: ModelCallErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, { ...details }, options);
  }
  get requestId(): string | undefined {
    return this.details.requestId as string | undefined;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs as number | undefined;
  }
}

/** Codes a reply delivery (Slack) can fail with. */
export type DeliveryErrorCode =
  | 'delivery_not_in_channel'
  | 'delivery_channel_not_found'
  | 'delivery_auth_failed'
  | 'delivery_rate_limited'
  | 'delivery_stopped_by_user'
  | 'delivery_failed';

/** Posting or streaming a reply failed. */
export class DeliveryError extends CrewError {
  declare readonly code: DeliveryErrorCode;
  constructor(code: DeliveryErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(code, message, details, options);
  }
}

/** Returns true when `error` is a CrewError with the given code. */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof CrewError && error.code === code;
}
