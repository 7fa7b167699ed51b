import { ConfigError } from '../../core/errors.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';

/** The prefix of every key when none is configured (`REDIS_KEY_PREFIX`). */
export const DEFAULT_REDIS_KEY_PREFIX = 'crew:';

/**
 * Every Redis key the crew writes, built in one place. Placement rule: keys written together
 * share a `{…}` hash tag, so each script or transaction touches one Redis Cluster slot — a
 * thread's state, lock and job list share the thread's tag (`{team:channel:ts}`), a workspace's
 * spend counters share the workspace's tag. The prefix may not contain braces (it would move
 * the tag).
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Hash with the thread's agent binding and creation time. */
  thread(key: ThreadKey): string;
  /** List of the thread's compact turn records. */
  turns(key: ThreadKey): string;
  /** The thread's lock (held by the worker running its jobs). */
  lock(key: ThreadKey): string;
  /** List of the thread's queued jobs, oldest first. */
  pending(key: ThreadKey): string;
  /** A claimed delivery id (event, message, trigger, retry, notice). */
  seen(id: string): string;
  /** The next free Slack call slot of a scope (workspace + method, or workspace + channel + method). */
  callBudget(scope: string): string;
  /** A person's rate-limit bucket. */
  rateLimit(bucket: string): string;
  /** A workspace's spend counter for a UTC day. */
  teamSpend(teamId: string, day: string): string;
  /** A channel's spend counter for a UTC day (in its workspace's slot). */
  channelSpend(teamId: string, channelId: string, day: string): string;
  /** Hash of a channel's settings (its default agent, who set it, when), under the channel's tag. */
  channel(teamId: string, channelId: string): string;
  /** Hash of the votes (and comments) on the thread's answers, one field per answer and person. */
  feedback(key: ThreadKey): string;
  /** Hash indexing the votes last pressed on a UTC day (`crew feedback` reads it; expiring). */
  feedbackDay(day: string): string;
  /** The stream that wakes workers up for new jobs. */
  readonly turnStream: string;
  /** Count of jobs waiting in all threads. */
  readonly waiting: string;
  /** Jobs the queue gave up on, newest first (bounded, expiring). */
  readonly deadLetters: string;
  /** Pub/sub channel (not a key: nothing is stored) carrying Stop presses to every replica. */
  readonly stopChannel: string;
  /** Sorted set of threads whose agent session closes at the member's score (one member per open session). */
  readonly sessionClosing: string;
}

/** Throws `ConfigError` when the prefix would break the hash tags. */
export function checkRedisKeyPrefix(prefix: string): void {
  if (/[{}]/.test(prefix)) {
    throw new ConfigError([`Redis key prefix must not contain "{" or "}" (it would break the hash tags): "${prefix}"`]);
  }
}

/** The keys under `prefix` (default `crew:`). */
export function createRedisKeys(prefix: string = DEFAULT_REDIS_KEY_PREFIX): RedisKeys {
  checkRedisKeyPrefix(prefix);
  return {
    prefix,
    thread: (key) => `${prefix}thread:${formatThreadKey(key)}`,
    turns: (key) => `${prefix}turns:${formatThreadKey(key)}`,
    lock: (key) => `${prefix}lock:${formatThreadKey(key)}`,
    pending: (key) => `${prefix}pending:${formatThreadKey(key)}`,
    seen: (id) => `${prefix}seen:${id}`,
    callBudget: (scope) => `${prefix}slack-budget:${scope}`,
    rateLimit: (bucket) => `${prefix}ratelimit:${bucket}`,
    teamSpend: (teamId, day) => `${prefix}spend:{${teamId}}:team:${day}`,
    channelSpend: (teamId, channelId, day) => `${prefix}spend:{${teamId}}:channel:${channelId}:${day}`,
    channel: (teamId, channelId) => `${prefix}channel:{${teamId}:${channelId}}`,
    feedback: (key) => `${prefix}feedback:${formatThreadKey(key)}`,
    feedbackDay: (day) => `${prefix}feedback-day:${day}`,
    turnStream: `${prefix}turns`,
    waiting: `${prefix}waiting`,
    deadLetters: `${prefix}dead-letters`,
    stopChannel: `${prefix}stops`,
    sessionClosing: `${prefix}session-closing`,
  };
}
