import { findHistoryLimitProblems } from '../../core/thread/find-history-limit-problems.js';
import type { Redis } from 'ioredis';
import type { ConversationStore } from '../../core/thread/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import type { ThreadKey } from '../../core/thread/thread-key.js';
import type { AnswerStatus, StoredTurn, ThreadState } from '../../core/thread/thread-state.js';
import { ConfigError, StoreUnavailableError } from '../../core/errors.js';
import type { ContentBlock } from '../../core/model/content-block.js';

/** Options for {@link createRedisConversationStore}. */
export interface RedisConversationStoreOptions {
  /** Client to use (see `createRedisConnection`). Must not have ioredis' own `keyPrefix` set. */
  redis: Redis;
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

const DEFAULT_KEY_PREFIX = 'crew:';
const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const DEFAULT_MAX_TURNS = 40;

/**
 * Compact turn record as stored in the turns list. `r` must stay the first property: the
 * append script recognises user turns by the `{"r":"u",` prefix without decoding JSON.
 */
interface TurnRecord {
  r: 'u' | 'a';
  i: string;
  t: number;
  u?: string;
  s?: 'c' | 'i';
  n?: number;
  o?: number;
  /** Text of a turn that is one text block (today's and older records: the common case stays compact). */
  x?: string;
  /** Content of any other turn (tool calls, results, several blocks), as the core's blocks. */
  b?: ContentBlock[];
}

const USER_RECORD_PREFIX = '{"r":"u",';

/**
 * KEYS[1] turns list, KEYS[2] thread hash. ARGV[1] max turns, ARGV[2] retention ms,
 * ARGV[3..] encoded records. Appends, then, over the cap, trims in whole pairs: when the list
 * starts with a question/answer pair and the cap holds more than one pair, that first pair stays
 * and the oldest records after it go (it frames the thread and anchors the prompt-cache prefix);
 * otherwise (cap of one pair, or a malformed head) the oldest records go. Either way the newest
 * records are kept up to the cap and no answer is left leading them. Then refreshes the expiry
 * of both keys. Atomic, one round trip. "Answer" means any record that is not a user record.
 */
const APPEND_TURNS_SCRIPT = `
local turnsKey = KEYS[1]
local function isUser(record)
  return record ~= nil and record ~= false and string.sub(record, 1, ${USER_RECORD_PREFIX.length}) == '${USER_RECORD_PREFIX}'
end
for i = 3, #ARGV do
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
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  validateOptions(keyPrefix, retentionMs, maxTurns);

  const threadHashKey = (key: ThreadKey): string => `${keyPrefix}thread:${formatThreadKey(key)}`;
  const turnsListKey = (key: ThreadKey): string => `${keyPrefix}turns:${formatThreadKey(key)}`;

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
      await runRoundTrip('appendTurns', 'EVAL append-turns', () =>
        redis.eval(APPEND_TURNS_SCRIPT, 2, turnsListKey(key), threadHashKey(key), maxTurns, retentionMs, ...records),
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

function encodeTurnRecord(turn: StoredTurn): string {
  // `r` first (see USER_RECORD_PREFIX); JSON.stringify leaves out the undefined fields.
  const record: TurnRecord = {
    r: turn.role === 'user' ? 'u' : 'a',
    i: turn.turnId,
    t: turn.at,
    u: turn.userId,
    s: turn.status === undefined ? undefined : turn.status === 'complete' ? 'c' : 'i',
    n: turn.inputTokens,
    o: turn.outputTokens,
    ...encodeContent(turn.content),
  };
  return JSON.stringify(record);
}

function decodeTurnRecord(raw: string): { turn: StoredTurn } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { problem: 'invalid JSON' };
  }
  if (typeof value !== 'object' || value === null) {
    return { problem: 'not an object' };
  }
  const record = value as Partial<Record<keyof TurnRecord, unknown>>;
  if (record.r !== 'u' && record.r !== 'a') return { problem: 'unknown role' };
  const content = decodeContent(record.x, record.b);
  if (content === undefined) return { problem: 'missing content' };
  if (typeof record.i !== 'string') return { problem: 'missing turn id' };
  if (typeof record.t !== 'number' || !Number.isFinite(record.t)) return { problem: 'missing timestamp' };

  const turn: StoredTurn = { role: record.r === 'u' ? 'user' : 'assistant', content, turnId: record.i, at: record.t };
  if (typeof record.u === 'string') turn.userId = record.u;
  const status = decodeStatus(record.s);
  if (status !== undefined) turn.status = status;
  if (typeof record.n === 'number') turn.inputTokens = record.n;
  if (typeof record.o === 'number') turn.outputTokens = record.o;
  return { turn };
}

function decodeStatus(value: unknown): AnswerStatus | undefined {
  if (value === 'c') return 'complete';
  if (value === 'i') return 'interrupted';
  return undefined;
}

/** A lone text block is stored as `x` (the record layout of every earlier version); anything else as `b`. */
function encodeContent(content: readonly ContentBlock[]): Pick<TurnRecord, 'x' | 'b'> {
  const only = content.length === 1 ? content[0] : undefined;
  return only?.type === 'text' ? { x: only.text } : { b: [...content] };
}

function decodeContent(text: unknown, blocks: unknown): ContentBlock[] | undefined {
  if (typeof text === 'string') return [{ type: 'text', text }];
  if (Array.isArray(blocks) && blocks.every(isContentBlock)) return blocks;
  return undefined;
}

function isContentBlock(value: unknown): value is ContentBlock {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'text' || type === 'thinking' || type === 'tool-use' || type === 'tool-result';
}
