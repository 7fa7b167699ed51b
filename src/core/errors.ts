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

/** Codes a model call can fail with; `retryable` says whether trying again may help. */
export type ModelErrorCode =
  | 'model_overloaded'
  | 'model_rate_limited'
  | 'model_server_error'
  | 'model_connection_lost'
  | 'model_stalled'
  | 'model_auth_failed'
  | 'model_invalid_request'
  | 'model_aborted';

/** A call to the model failed. */
export class ModelCallError extends CrewError {
  declare readonly code: ModelErrorCode;
  constructor(
    code: ModelErrorCode,
    message: string,
    readonly retryable: boolean,
    details: { status?: number; requestId?: string; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
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
