import { findHistoryLimitProblems } from '../../core/thread/find-history-limit-problems.js';
import type { RedisClient } from './redis-client.js';
import type { ConversationStore } from '../../core/thread/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import type { ThreadKey } from '../../core/thread/thread-key.js';
import type { StoredTurn, ThreadState } from '../../core/thread/thread-state.js';
import { createRedisKeys, DEFAULT_REDIS_KEY_PREFIX } from './redis-keys.js';
import { decodeTurnRecord, encodeTurnRecord, recordPrefixOf, USER_RECORD_PREFIX } from './turn-record.js';
import { ConfigError, StoreUnavailableError } from '../../core/errors.js';

/** Options for {@link createRedisConversationStore}. */
export interface RedisConversationStoreOptions {
  /** Client to use (see `createRedisConnection`). Must not have ioredis' own `keyPrefix` set. */
  redis: RedisClient;
  /** Prepended to every key, e.g. `crew:`. Must not contain `{` or `}`. Default `crew:`. */
  keyPrefix?: string;
  /** Every key written expires this long after the last write. Default 30 days. */
  retentionMs?: number;
  /**
   * Most turns kept per thread; an even number so whole question/answer pairs are kept. Default 40.
   * Past the cap the thread's first pair is kept and the oldest pairs after it are dropped; with a
   * cap of 2 (one pair) the latest pair is kept instead.
   */
  maxTurns?: number;
  /** Receives warnings about malformed stored records. */
  logger?: Logger;
  /** Called once per network round trip (single command, pipeline or MULTI), with a label. */
  onRoundTrip?: (command: string) => void;
}

const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const DEFAULT_MAX_TURNS = 40;


/**
 * KEYS[1] turns list, KEYS[2] thread hash. ARGV[1] max turns, ARGV[2] retention ms,
 * ARGV[3] n, ARGV[4..3+n] the records' prefixes (role and turn id), then the encoded records.
 * Does nothing when a record of the same role and turn id as one of the records is already stored
 * (the same exchange stored again by a re-run). Otherwise appends, then, over the cap, trims in
 * whole pairs: when the list
 * starts with a question/answer pair and the cap holds more than one pair, that first pair stays
 * and the oldest records after it go (it frames the thread and anchors the prompt-cache prefix);
 * otherwise (cap of one pair, or a malformed head) the oldest records go. Either way the newest
 * records are kept up to the cap and no answer is left leading them. Then refreshes the expiry
 * of both keys. Atomic, one round trip. "Answer" means any record that is not a user record.
 */
const APPEND_TURNS_SCRIPT = `
local turnsKey = KEYS[1]
-- ARGV[3] counts the record prefixes that follow (role and turn id of each incoming record):
-- a stored record that starts with one of them means the exchange was stored before (a re-run).
local prefixCount = tonumber(ARGV[3])
local firstRecord = 4 + prefixCount
for _, stored in ipairs(redis.call('LRANGE', turnsKey, 0, -1)) do
  for p = 4, 3 + prefixCount do
    if string.sub(stored, 1, #ARGV[p]) == ARGV[p] then
      return 0
    end
  end
end
local function isUser(record)
  return record ~= nil and record ~= false and string.sub(record, 1, ${USER_RECORD_PREFIX.length}) == '${USER_RECORD_PREFIX}'
end
for i = firstRecord, #ARGV do
  redis.call('RPUSH', turnsKey, ARGV[i])
end
local maxTurns = tonumber(ARGV[1])
if redis.call('LLEN', turnsKey) > maxTurns then
  local head = {}
  if maxTurns >= 4 then
    local firstTwo = redis.call('LRANGE', turnsKey, 0, 1)
    if #firstTwo == 2 and isUser(firstTwo[1]) and not isUser(firstTwo[2]) then
      head = firstTwo
    end
  end
  redis.call('LTRIM', turnsKey, -(maxTurns - #head), -1)
  while true do
    local first = redis.call('LINDEX', turnsKey, 0)
    if not first or isUser(first) then break end
    redis.call('LPOP', turnsKey)
  end
  if #head == 2 then
    redis.call('LPUSH', turnsKey, head[2], head[1])
  end
end
redis.call('PEXPIRE', turnsKey, ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`;

type PipelineResults = [error: Error | null, result: unknown][] | null;

/**
 * Creates a ConversationStore on Redis. Per thread (all keys share the thread's `{…}` hash tag,
 * so they live in one cluster slot):
 * - `<prefix>thread:{team:channel:ts}` — hash with `agent` and `createdAt`;
 * - `<prefix>turns:{team:channel:ts}` — list of compact JSON turn records, oldest first.
 *
 * Each operation is one round trip; every write refreshes the expiry of both keys. Redis
 * failures surface as `StoreUnavailableError`; malformed stored records are skipped with a warning.
 */
export function createRedisConversationStore(options: RedisConversationStoreOptions): ConversationStore {
  const { redis, logger, onRoundTrip } = options;
  const keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  validateOptions(keyPrefix, retentionMs, maxTurns);

  const keys = createRedisKeys(keyPrefix);
  const threadHashKey = keys.thread;
  const turnsListKey = keys.turns;

  async function runRoundTrip<T>(operation: string, command: string, send: () => Promise<T>): Promise<T> {
    onRoundTrip?.(command);
    try {
      return await send();
    } catch (error) {
      throw toStoreUnavailable(operation, error);
    }
  }

  return {
    async getThread(key) {
      const results = await runRoundTrip('getThread', 'PIPELINE HGETALL LRANGE', () =>
        redis.pipeline().hgetall(threadHashKey(key)).lrange(turnsListKey(key), 0, -1).exec(),
      );
      const [hash, records] = unwrapResults('getThread', results);
      return readThreadState(formatThreadKey(key), hash, records, logger);
    },

    async hasThread(key) {
      const count = await runRoundTrip('hasThread', 'EXISTS', () => redis.exists(threadHashKey(key)));
      return count > 0;
    },

    async bindAgent(key, agentName, now) {
      const hashKey = threadHashKey(key);
      const results = await runRoundTrip('bindAgent', 'MULTI HSETNX HSETNX PEXPIRE PEXPIRE HGET', () =>
        redis
          .multi()
          .hsetnx(hashKey, 'agent', agentName)
          .hsetnx(hashKey, 'createdAt', String(now))
          .pexpire(hashKey, retentionMs)
          .pexpire(turnsListKey(key), retentionMs)
          .hget(hashKey, 'agent')
          .exec(),
      );
      const boundAgent = unwrapResults('bindAgent', results)[4];
      if (typeof boundAgent !== 'string') {
        throw new StoreUnavailableError('Redis bindAgent returned no agent');
      }
      return boundAgent;
    },

    async appendTurns(key, turns) {
      const records = turns.map(encodeTurnRecord);
      const prefixes = turns.map(recordPrefixOf);
      await runRoundTrip('appendTurns', 'EVAL append-turns', () =>
        redis.eval(APPEND_TURNS_SCRIPT, 2, turnsListKey(key), threadHashKey(key), maxTurns, retentionMs, prefixes.length, ...prefixes, ...records),
      );
    },

    async ping() {
      await runRoundTrip('ping', 'PING', () => redis.ping());
    },
  };
}

function validateOptions(keyPrefix: string, retentionMs: number, maxTurns: number): void {
  const problems: string[] = [];
  if (/[{}]/.test(keyPrefix)) {
    problems.push(`conversation store keyPrefix must not contain "{" or "}" (it would break the thread hash tag): "${keyPrefix}"`);
  }
  problems.push(...findHistoryLimitProblems(retentionMs, maxTurns));
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
}

function toStoreUnavailable(operation: string, error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) {
    return error;
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`Redis ${operation} failed: ${reason}`, { cause: error });
}

/** Returns each command's reply, throwing StoreUnavailableError if any command failed. */
function unwrapResults(operation: string, results: PipelineResults): unknown[] {
  if (results === null) {
    throw new StoreUnavailableError(`Redis ${operation} transaction was aborted`);
  }
  return results.map(([error, reply]) => {
    if (error) {
      throw toStoreUnavailable(operation, error);
    }
    return reply;
  });
}

function readThreadState(
  threadKey: string,
  hash: unknown,
  records: unknown,
  logger: Logger | undefined,
): ThreadState | undefined {
  const fields = (hash ?? {}) as Record<string, string | undefined>;
  const agentName = fields.agent;
  if (agentName === undefined || agentName === '') {
    return undefined;
  }
  let createdAt = Number(fields.createdAt);
  if (!Number.isFinite(createdAt)) {
    logger?.warn({ threadKey }, 'thread createdAt is malformed; using 0');
    createdAt = 0;
  }
  const turns: StoredTurn[] = [];
  const rawRecords = Array.isArray(records) ? records : [];
  rawRecords.forEach((raw: unknown, index) => {
    const decoded = typeof raw === 'string' ? decodeTurnRecord(raw) : { problem: 'not a string' };
    if ('turn' in decoded) {
      turns.push(decoded.turn);
    } else {
      logger?.warn({ threadKey, index, problem: decoded.problem }, 'skipping malformed stored turn');
    }
  });
  return { agentName, createdAt, turns };
}
