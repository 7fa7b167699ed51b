import { ConfigError } from '../../core/errors.js';
import { formatThreadKey, type ThreadKey } from '../../core/thread/thread-key.js';

/** The prefix of every key when none is configured (`REDIS_KEY_PREFIX`). */
export const DEFAULT_REDIS_KEY_PREFIX = 'crew:';

/**
 * Shards of the turn queue: its wake-up stream, `waiting` counter and dead letters are split in
 * this many parts, each with its own hash tag (`{q0}`…`{q7}`), and a thread's job list and queue
 * lock live in its shard's slot. Every replica must use the same count (it places the jobs).
 */
export const TURN_QUEUE_SHARD_COUNT = 8;

/**
 * Every Redis key the crew writes, built in one place. Placement rule (see docs/architecture.md,
 * "Key placement"): keys written together share a `{…}` hash tag, so each script or transaction
 * touches one Redis Cluster slot — a thread's state and history share the thread's tag
 * (`{team:channel:ts}`), a workspace's spend counters the workspace's, the ids one delivery
 * claims its channel's (`seen:{C1}:…`); global state is sharded — the turn queue's keys carry
 * their shard's tag (`{q3}`), a thread's job list and queue lock included. The prefix may not
 * contain braces (it would move the tag).
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Hash with the thread's agent binding and creation time. */
  thread(key: ThreadKey): string;
  /** List of the thread's compact turn records. */
  turns(key: ThreadKey): string;
  /** The thread's queue lock (held by the worker running its jobs), in its queue shard's slot. */
  lock(key: ThreadKey): string;
  /** List of the thread's queued jobs, oldest first, in its queue shard's slot. */
  pending(key: ThreadKey): string;
  /** The turn queue shard a thread's jobs live in: a stable hash of the thread, mod {@link TURN_QUEUE_SHARD_COUNT}. */
  queueShardOf(key: ThreadKey): number;
  /** A claimed delivery id (event, message, trigger, retry, notice). */
  seen(id: string): string;
  /** The next free Slack call slot of a scope (workspace + method, or workspace + channel + method). */
  callBudget(scope: string): string;
  /** A delivery id claimed in a scope (the channel): the ids claimed together share the scope's tag. */
  scopedSeen(scope: string, id: string): string;
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
  /** Pub/sub channel (not a key: nothing is stored) carrying Stop presses to every replica. */
  readonly stopChannel: string;
  /** Sorted set of threads whose agent session closes at the member's score (one member per open session). */
  readonly sessionClosing: string;
  /** A shard of the stream that wakes workers up for new jobs. */
  turnStream(shard: number): string;
  /** A shard's count of jobs waiting (the queue's count is the sum over shards). */
  waiting(shard: number): string;
  /** A shard's jobs the queue gave up on, newest first (bounded, expiring). */
  deadLetters(shard: number): string;
}

/** FNV-1a (32 bit) of `text`: stable across processes and releases, unlike a seeded hash. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
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
  const queueShardOf = (key: ThreadKey) => hashText(formatThreadKey(key)) % TURN_QUEUE_SHARD_COUNT;
  // The shard's tag comes first: Redis hashes the first `{…}` only, so the thread's braces go.
  const inShard = (key: ThreadKey) => `{q${queueShardOf(key)}}:${key.teamId}:${key.channelId}:${key.threadTs}`;
  return {
    prefix,
    thread: (key) => `${prefix}thread:${formatThreadKey(key)}`,
    turns: (key) => `${prefix}turns:${formatThreadKey(key)}`,
    lock: (key) => `${prefix}lock:${inShard(key)}`,
    pending: (key) => `${prefix}pending:${inShard(key)}`,
    queueShardOf,
    seen: (id) => `${prefix}seen:${id}`,
    callBudget: (scope) => `${prefix}slack-budget:${scope}`,
    scopedSeen: (scope, id) => `${prefix}seen:{${scope.replace(/[{}]/g, '_')}}:${id}`,
    rateLimit: (bucket) => `${prefix}ratelimit:${bucket}`,
    teamSpend: (teamId, day) => `${prefix}spend:{${teamId}}:team:${day}`,
    channelSpend: (teamId, channelId, day) => `${prefix}spend:{${teamId}}:channel:${channelId}:${day}`,
    channel: (teamId, channelId) => `${prefix}channel:{${teamId}:${channelId}}`,
    feedback: (key) => `${prefix}feedback:${formatThreadKey(key)}`,
    feedbackDay: (day) => `${prefix}feedback-day:${day}`,
    stopChannel: `${prefix}stops`,
    sessionClosing: `${prefix}session-closing`,
    turnStream: (shard) => `${prefix}turn-stream:{q${shard}}`,
    waiting: (shard) => `${prefix}waiting:{q${shard}}`,
    deadLetters: (shard) => `${prefix}dead-letters:{q${shard}}`,
  };
}
