import type { RedisClient } from './redis-client.js';
import type { ThreadListKeys } from './redis-turn-queue-keys.js';

export type { ThreadListKeys } from './redis-turn-queue-keys.js';

/**
 * Lua helper shared by the claim and finish scripts: marks the head of a thread's job list
 * started (attempt + 1, startedAt = now) by rewriting only the record's `{"attempt":N,` prefix
 * (records are written by `encodeStoredTurnJob`, attempt first), so the job JSON is never
 * re-encoded in Lua. Returns {'started', new record}, {'exhausted', head} when the head was
 * started maxAttempts times already, {'unmarked', head} for a record of another shape
 * (unreadable: the client drops it), or nil when the list is empty. A first start
 * counts the job out of the waiting counter.
 */
const START_HEAD_LUA = `
local function startHead(listKey, waitingKey, now, maxAttempts, retention)
  local head = redis.call('LINDEX', listKey, 0)
  if not head then return nil end
  local attempt, rest = string.match(head, '^{"attempt":(%d+),(.*)$')
  if not attempt then return {'unmarked', head} end
  attempt = tonumber(attempt)
  if attempt >= tonumber(maxAttempts) then return {'exhausted', head} end
  rest = string.gsub(rest, '^"startedAt":%d+,', '', 1)
  local started = '{"attempt":' .. string.format('%d', attempt + 1) .. ',"startedAt":' .. now .. ',' .. rest
  redis.call('LSET', listKey, 0, started)
  redis.call('PEXPIRE', listKey, retention)
  if attempt == 0 then
    if redis.call('DECR', waitingKey) < 0 then redis.call('SET', waitingKey, 0) end
    redis.call('PEXPIRE', waitingKey, retention)
  end
  return {'started', started}
end
`;

/**
 * Takes a thread's lock and starts its head job in one step. Lock taken by another holder:
 * acknowledges the wake-up entry when asked (not for reclaimed entries, whose holder may have
 * died) and returns {'busy'}. List empty: gives the lock back, acknowledges, returns {'empty'}
 * (atomic, so a job queued afterwards brings its own wake-up).
 * KEYS: lock, list, waiting counter, stream. ARGV: token, lock ttl ms, now ms, max attempts,
 * retention ms, entry id, group, '1' to acknowledge when busy.
 */
const CLAIM_THREAD_SCRIPT = `${START_HEAD_LUA}
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  if ARGV[8] == '1' then redis.pcall('XACK', KEYS[4], ARGV[7], ARGV[6]) end
  return {'busy'}
end
local head = startHead(KEYS[2], KEYS[3], ARGV[3], ARGV[4], ARGV[5])
if head then return head end
redis.call('DEL', KEYS[1])
redis.pcall('XACK', KEYS[4], ARGV[7], ARGV[6])
return {'empty'}`;

/**
 * Removes a finished head (only when it is still exactly the record the caller ran: a worker
 * that lost its lock never removes the next holder's job) and, when asked and the lock is still
 * the caller's, starts the next job. No next job: releases the lock and acknowledges the entry
 * in the same step, so no job can be queued unseen in between.
 * A failed job's dead letter, when given, is pushed onto the dead letters in the same step as
 * the removal (so a job is never lost between the two), which are then cut to their limit.
 * Returns {'lost'} (not removed), {'popped'} (removed, lock kept), {'done'} (removed, lock
 * released, entry acknowledged) or the next head as `startHead` does.
 * Going on renews the lock for a full ttl.
 * KEYS: list, waiting counter, lock, stream, dead letters. ARGV: expected record, token, now ms,
 * max attempts, retention ms, entry id, group, '1' to go on with the next job, lock ttl ms,
 * dead letter ('' for none), dead letter limit.
 */
const FINISH_HEAD_SCRIPT = `${START_HEAD_LUA}
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return {'lost'} end
redis.call('LPOP', KEYS[1])
if ARGV[10] ~= '' then
  redis.call('LPUSH', KEYS[5], ARGV[10])
  redis.call('LTRIM', KEYS[5], 0, tonumber(ARGV[11]) - 1)
  redis.call('PEXPIRE', KEYS[5], ARGV[5])
end
if ARGV[8] ~= '1' or redis.call('GET', KEYS[3]) ~= ARGV[2] then return {'popped'} end
local head = startHead(KEYS[1], KEYS[2], ARGV[3], ARGV[4], ARGV[5])
if head then
  redis.call('PEXPIRE', KEYS[3], ARGV[9])
  return head
end
redis.call('DEL', KEYS[3])
redis.pcall('XACK', KEYS[4], ARGV[7], ARGV[6])
return {'done'}`;

/**
 * Ends a drain that stopped early (shutdown, lost head): releases the lock if still the
 * caller's, adds a fresh wake-up when jobs remain, acknowledges the entry.
 * KEYS: lock, list, stream. ARGV: token, entry id, group, stream max length, wake-up fields…
 */
const RELEASE_THREAD_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('LLEN', KEYS[2]) > 0 then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 5))
end
redis.pcall('XACK', KEYS[3], ARGV[3], ARGV[2])
return 1`;

/**
 * Replaces the head of a thread's job list only when it is still exactly the record the caller
 * read, refreshes the list's expiry, and optionally counts one job out of the waiting counter.
 * KEYS: list, waiting counter. ARGV: expected record, new record, retention ms, '1' to count out.
 */
const REPLACE_HEAD_SCRIPT = `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LSET', KEYS[1], 0, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[4] == '1' then
  if redis.call('DECR', KEYS[2]) < 0 then redis.call('SET', KEYS[2], 0) end
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 1`;

/** The head job as a claim or finish step left it. */
export type ThreadHead =
  /** Marked started by the script; `raw` is the record now stored. */
  | { kind: 'started'; raw: string }
  /** Stored in a shape the script cannot mark (unreadable); dropped by the client. */
  | { kind: 'unmarked'; raw: string }
  /** Started the maximum number of times already; not marked. */
  | { kind: 'exhausted'; raw: string };

/** Outcome of {@link RedisTurnQueueScripts.claimThread}. */
export type ClaimThreadResult = { kind: 'busy' } | { kind: 'empty' } | ThreadHead;

/** Outcome of {@link RedisTurnQueueScripts.finishHead}. */
export type FinishHeadResult = { kind: 'lost' } | { kind: 'popped' } | { kind: 'done' } | ThreadHead;

/** The holder of a thread's lock and the wake-up entry it handles. */
export interface ThreadHolder {
  token: string;
  entryId: string;
}

/** The fused steps of the Redis turn queue (each one round trip). */
export interface RedisTurnQueueScripts {
  /** Takes the lock and starts the head job (see CLAIM_THREAD_SCRIPT). */
  claimThread(keys: ThreadListKeys, holder: ThreadHolder, lockTtlMs: number, acknowledgeWhenBusy: boolean): Promise<ClaimThreadResult>;
  /**
   * Removes the finished head (moving it to the dead letters when `deadLetter` is given) and
   * starts the next job or releases the thread (see FINISH_HEAD_SCRIPT).
   */
  finishHead(keys: ThreadListKeys, holder: ThreadHolder, expected: string, startNext: boolean, lockTtlMs: number, deadLetter?: string): Promise<FinishHeadResult>;
  /** Releases the lock, re-adds a wake-up when jobs remain, acknowledges the entry. */
  releaseThread(keys: ThreadListKeys, holder: ThreadHolder, wakeUpFields: string[]): Promise<void>;
  /** Replaces the head record if it equals `expected`; true when replaced. */
  replaceHead(keys: ThreadListKeys, expected: string, next: string, countOutOfWaiting: boolean): Promise<boolean>;
}

/** Options of {@link createRedisTurnQueueScripts}. */
export interface RedisTurnQueueScriptsOptions {
  redis: RedisClient;
  /** Expiry set on the keys the scripts write. */
  retentionMs: number;
  /** Starts of one job before it counts as exhausted. */
  maxAttempts: number;
  /** The consumer group of the wake-up streams (each thread's keys name its shard's stream). */
  group: string;
  /** Approximate cap of the stream when a wake-up is re-added. */
  streamMaxLength: number;
  /** Dead letters kept by the finish step (the oldest are dropped first). */
  deadLetterLimit: number;
  /** Epoch ms written as `startedAt`. */
  now(): number;
}

/**
 * Creates the scripts the Redis turn queue runs on a thread's lock, job list and wake-up entry.
 * Each touches one slot: the thread's list and lock live in its queue shard, beside the shard's
 * stream, `waiting` counter and dead letters (`{q<i>}`), so these steps stay atomic on a cluster.
 */
export function createRedisTurnQueueScripts(options: RedisTurnQueueScriptsOptions): RedisTurnQueueScripts {
  const { redis, retentionMs, maxAttempts, group } = options;
  const now = () => String(Math.floor(options.now()));
  return {
    async claimThread(keys, holder, lockTtlMs, acknowledgeWhenBusy) {
      const reply = await redis.eval(
        CLAIM_THREAD_SCRIPT,
        4,
        keys.lockKey,
        keys.listKey,
        keys.waitingKey,
        keys.streamKey,
        holder.token,
        lockTtlMs,
        now(),
        maxAttempts,
        retentionMs,
        holder.entryId,
        group,
        acknowledgeWhenBusy ? '1' : '0',
      );
      return parseStepReply(reply, ['busy', 'empty']) as ClaimThreadResult;
    },
    async finishHead(keys, holder, expected, startNext, lockTtlMs, deadLetter) {
      const reply = await redis.eval(
        FINISH_HEAD_SCRIPT,
        5,
        keys.listKey,
        keys.waitingKey,
        keys.lockKey,
        keys.streamKey,
        keys.deadLetterKey,
        expected,
        holder.token,
        now(),
        maxAttempts,
        retentionMs,
        holder.entryId,
        group,
        startNext ? '1' : '0',
        lockTtlMs,
        deadLetter ?? '',
        Math.max(1, options.deadLetterLimit),
      );
      return parseStepReply(reply, ['lost', 'popped', 'done']) as FinishHeadResult;
    },
    async releaseThread(keys, holder, wakeUpFields) {
      await redis.eval(
        RELEASE_THREAD_SCRIPT,
        3,
        keys.lockKey,
        keys.listKey,
        keys.streamKey,
        holder.token,
        holder.entryId,
        group,
        options.streamMaxLength,
        ...wakeUpFields,
      );
    },
    async replaceHead(keys, expected, next, countOutOfWaiting) {
      const reply = await redis.eval(REPLACE_HEAD_SCRIPT, 2, keys.listKey, keys.waitingKey, expected, next, retentionMs, countOutOfWaiting ? '1' : '0');
      return reply === 1;
    },
  };
}

/** Reads a script's `{kind}` or `{kind, record}` reply; throws on anything else. */
function parseStepReply(reply: unknown, bareKinds: readonly string[]): { kind: string; raw?: string } {
  if (Array.isArray(reply)) {
    const [kind, raw] = reply as unknown[];
    if (typeof kind === 'string' && bareKinds.includes(kind)) return { kind };
    if ((kind === 'started' || kind === 'unmarked' || kind === 'exhausted') && typeof raw === 'string') return { kind, raw };
  }
  throw new Error(`Unexpected reply from a turn queue script: ${JSON.stringify(reply)}`);
}
