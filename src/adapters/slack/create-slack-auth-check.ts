import type { Clock, Logger } from '../../core/shared/ports.js';
import { describeConnectionFailure, readConnectionFailure } from '../network/read-connection-failure.js';
import { retryWithBackoff, type RetryLoop } from '../network/retry-with-backoff.js';
import { readSlackError } from './read-slack-error.js';

/** The bot's identity as `auth.test` reports it. */
export interface SlackBotIdentity {
  botUserId: string;
  botId: string;
  teamId?: string;
  /** The bot's user name in the workspace (`auth.test`'s `user`), as people @-mention it. */
  botName?: string;
}

/** What Bolt's `authorize` must return for a single-workspace app. */
export interface SlackAuthorization extends SlackBotIdentity {
  botToken: string;
}

/** Result of a readiness check. */
export type SlackAuthStatus = { ok: true } | { ok: false; reason: string };

/** Options for {@link createSlackAuthCheck}. */
export interface SlackAuthCheckOptions {
  /** Calls Slack's `auth.test` with the bot token (e.g. `() => client.auth.test()`). */
  authTest: () => Promise<{ user_id?: string; bot_id?: string; team_id?: string; user?: string }>;
  botToken: string;
  /** Slack's Web API host as configured (`slack.com`, or `SLACK_API_URL`'s host), named when it cannot be reached. */
  apiHost?: string;
  clock: Clock;
  logger: Logger;
  /** How long a successful `auth.test` is trusted before readiness asks again. Default 60 s. */
  okMaxAgeMs?: number;
  /** How long a failed `auth.test` is remembered (so probes do not hammer Slack). Default 5 s. */
  failedMaxAgeMs?: number;
  /** Readiness answers "not ready" when `auth.test` takes longer than this. Default 3 s. */
  readinessTimeoutMs?: number;
  /** Called when `auth.test` fails (metrics: Slack API errors by method and code). */
  onSlackError?: (method: string, code: string) => void;
}

/** Checks the bot token against Slack and serves both readiness and Bolt's `authorize`. */
export interface SlackAuthCheck {
  /** Readiness: the latest `auth.test` result, refreshed when older than its max age. */
  check(): Promise<SlackAuthStatus>;
  /**
   * Bolt's `authorize` for a single workspace: the bot identity, looked up once and then kept
   * (it never changes for a token). Until a lookup succeeds it asks Slack again on each call
   * and throws when Slack refuses, so the event is answered 500 and Slack retries it later.
   */
  authorize(): Promise<SlackAuthorization>;
  /** The bot's identity once `auth.test` answered (undefined before). */
  identity(): SlackBotIdentity | undefined;
  /**
   * At start: `auth.test` now, and while Slack cannot be reached, again with backoff (1 s, 2 s …
   * up to 5 minutes) until it answers. The failure is logged once (host and why), the recovery
   * once. A bad token ends the loop: only a new token fixes it (readiness keeps saying so).
   */
  probeAtStart(backoff?: { initialDelayMs?: number; maxDelayMs?: number }): RetryLoop;
}

/** Slack codes that mean the token itself is bad: only a new token fixes them. */
const tokenCodes = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/** `auth.test` answered, but not for a bot. */
class NotABotTokenError extends Error {
  constructor() {
    super('Slack auth.test returned no bot user: SLACK_BOT_TOKEN must be a bot token (xoxb-…)');
  }
}

/** The WebClient's transport failure (no answer from Slack at all): its `original` holds fetch's error. */
function isRequestError(error: unknown): error is { code: string; original?: unknown } {
  return (error as { code?: unknown })?.code === 'slack_webapi_request_error';
}

function describeFailure(error: unknown, host: string): string {
  const { code } = readSlackError(error);
  if (tokenCodes.has(code)) {
    return `Slack auth.test failed: ${code} (the bot token is wrong or was revoked: check SLACK_BOT_TOKEN, or reinstall the app)`;
  }
  if (isRequestError(error)) {
    const failure = readConnectionFailure(error.original ?? error);
    return `Slack auth.test failed: cannot reach ${host}: ${describeConnectionFailure(failure)} (check the network, a proxy, or SLACK_API_URL)`;
  }
  return `Slack auth.test failed: ${code} (Slack's Web API is unreachable or failing; see https://slack-status.com)`;
}

/**
 * Creates the Slack auth check. Bolt's own token verification calls `auth.test` once in its
 * constructor and caches the promise forever: if Slack is unreachable at that moment, every
 * later event fails until a restart (and the rejection is unhandled). This check retries instead.
 */
export function createSlackAuthCheck(options: SlackAuthCheckOptions): SlackAuthCheck {
  const okMaxAgeMs = options.okMaxAgeMs ?? 60_000;
  const failedMaxAgeMs = options.failedMaxAgeMs ?? 5_000;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 3_000;
  const apiHost = options.apiHost ?? 'slack.com';
  let identity: SlackBotIdentity | undefined;
  let latest: { status: SlackAuthStatus; at: number } | undefined;
  let inFlight: Promise<SlackBotIdentity> | undefined;

  /** One `auth.test` at a time; concurrent callers share it. Records the outcome. */
  function runAuthTest(): Promise<SlackBotIdentity> {
    inFlight ??= (async () => {
      try {
        const result = await options.authTest();
        if (!result.user_id || !result.bot_id) throw new NotABotTokenError();
        identity = { botUserId: result.user_id, botId: result.bot_id, teamId: result.team_id, ...(result.user ? { botName: result.user } : {}) };
        if (latest && !latest.status.ok) options.logger.info({ team: identity.teamId }, 'slack auth ok again');
        latest = { status: { ok: true }, at: options.clock.now() };
        return identity;
      } catch (error) {
        const reason = error instanceof NotABotTokenError ? error.message : describeFailure(error, apiHost);
        const { code } = readSlackError(error);
        options.onSlackError?.('auth.test', error instanceof NotABotTokenError ? 'not_a_bot_token' : code);
        // Log the change to failing, not every probe while it lasts.
        if (!latest || latest.status.ok) {
          const network = isRequestError(error) ? readConnectionFailure(error.original ?? error) : undefined;
          options.logger.error({ code, ...(network ? { host: apiHost, reason: network.reason, systemCode: network.systemCode } : {}) }, reason);
        }
        latest = { status: { ok: false, reason }, at: options.clock.now() };
        throw error;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  return {
    async check() {
      const now = options.clock.now();
      if (latest && now - latest.at < (latest.status.ok ? okMaxAgeMs : failedMaxAgeMs)) return latest.status;
      const attempt = runAuthTest().then(
        (): SlackAuthStatus => ({ ok: true }),
        (): SlackAuthStatus => latest?.status ?? { ok: false, reason: 'Slack auth.test failed' },
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<SlackAuthStatus>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: `Slack auth.test did not answer within ${readinessTimeoutMs} ms (Slack's Web API is slow or unreachable)` }),
          readinessTimeoutMs,
        );
      });
      try {
        return await Promise.race([attempt, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async authorize() {
      const known = identity ?? (await runAuthTest());
      return { ...known, botToken: options.botToken };
    },
    identity: () => identity,
    probeAtStart(backoff = {}) {
      return retryWithBackoff({
        ...backoff,
        attempt: () =>
          runAuthTest().then(
            () => true,
            (error: unknown) => error instanceof NotABotTokenError || tokenCodes.has(readSlackError(error).code),
          ),
      });
    },
  };
}
