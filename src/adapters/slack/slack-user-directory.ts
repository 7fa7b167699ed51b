import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/shared/ports.js';
import type { UserDirectory } from '../../core/thread/ports.js';
import { readSlackError } from './read-slack-error.js';
import { callSlack } from './slack-call.js';

/** What {@link createSlackUserDirectory} needs. */
export interface SlackUserDirectoryOptions {
  client: WebClient;
  logger: Logger;
  /** Most names kept in memory; the least recently used goes first (default 5,000). */
  maxEntries?: number;
  /** How long a name is trusted before it is looked up again (default 1 hour: people rename themselves rarely). */
  ttlMs?: number;
  /** How long a failed lookup (rate limit, outage) is remembered before it is tried again (default 1 minute). */
  failureTtlMs?: number;
  /** Longest wait for one `users.info` before the id is used instead (default 2 s: a turn never waits long for a name). */
  lookupTimeoutMs?: number;
  /** Wall clock in ms (tests). */
  now?: () => number;
}

/** The subset of Slack's `users.info` answer read here (see docs.slack.dev, users.info). */
interface UsersInfoResult {
  user?: {
    name?: string;
    real_name?: string;
    profile?: { display_name?: string | null; real_name?: string | null };
  };
}

interface CacheEntry {
  /** The name, or undefined for a remembered failure. */
  name: string | undefined;
  expiresAt: number;
}

/** Slack user ids (`U…`, or `W…` on Enterprise Grid); bot ids (`B…`) are not users and are never looked up. */
const USER_ID = /^[UW][A-Z0-9]+$/;

/** Errors that say the user will not be found however often we ask: remembered as long as a name. */
const PERMANENT_CODES = new Set(['user_not_found', 'user_not_visible']);

/** Slack's own fallback order: the display name (often empty), else the real name, else the handle. */
function nameOf(result: UsersInfoResult): string | undefined {
  const user = result.user;
  const candidates = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name, user?.name];
  return candidates.map((candidate) => candidate?.trim() ?? '').find((candidate) => candidate !== '');
}

/**
 * Display names from Slack's `users.info` (scope `users:read`), cached in process memory with
 * a bound (LRU, `maxEntries`) and an expiry (`ttlMs`). Concurrent lookups of one user share one
 * call. Never throws and never waits on a rate limit: an unknown user, a refusal (`ratelimited`,
 * `missing_scope` on an install that predates the scope), an outage or a slow answer give
 * `undefined` — the caller shows the id — logged at debug once per remembered failure.
 */
export function createSlackUserDirectory(options: SlackUserDirectoryOptions): UserDirectory {
  const maxEntries = options.maxEntries ?? 5_000;
  const ttlMs = options.ttlMs ?? 60 * 60_000;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const lookupTimeoutMs = options.lookupTimeoutMs ?? 2_000;
  const now = options.now ?? (() => Date.now());
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<string | undefined>>();

  function remember(key: string, name: string | undefined, lifetimeMs: number): void {
    cache.delete(key);
    cache.set(key, { name, expiresAt: now() + lifetimeMs });
    // Map keeps insertion order and reads re-insert: the first key is the least recently used.
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  }

  async function callWithTimeout(userId: string): Promise<UsersInfoResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('users.info timed out'), { code: 'lookup_timeout' })), lookupTimeoutMs);
      timer.unref();
    });
    try {
      // One attempt: a name is not worth waiting on a rate limit or retrying an outage for.
      const call = callSlack<UsersInfoResult>(options.client, 'users.info', { user: userId }, { logger: options.logger, maxAttempts: 1 });
      call.catch(() => undefined); // a late failure after the timeout is not unhandled
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function lookUp(key: string, userId: string): Promise<string | undefined> {
    try {
      const name = nameOf(await callWithTimeout(userId));
      remember(key, name, ttlMs);
      return name;
    } catch (error) {
      const code = readSlackError(error).code;
      remember(key, undefined, PERMANENT_CODES.has(code) ? ttlMs : failureTtlMs);
      options.logger.debug({ userId, code }, 'could not look up a display name; showing the user id');
      return undefined;
    }
  }

  return {
    async displayNameOf(teamId, userId) {
      if (!USER_ID.test(userId)) return undefined;
      const key = `${teamId}:${userId}`;
      const cached = cache.get(key);
      if (cached && cached.expiresAt > now()) {
        cache.delete(key);
        cache.set(key, cached);
        return cached.name;
      }
      const pending = inFlight.get(key);
      if (pending) return pending;
      const lookup = lookUp(key, userId).finally(() => inFlight.delete(key));
      inFlight.set(key, lookup);
      return lookup;
    },
  };
}
