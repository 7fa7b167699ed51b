import { findHistoryLimitProblems } from '../../core/thread/find-history-limit-problems.js';
import type { Clock } from '../../core/shared/ports.js';
import type { ConversationStore } from '../../core/thread/ports.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';
import type { ThreadKey } from '../../core/thread/thread-key.js';
import type { StoredTurn } from '../../core/thread/thread-state.js';
import { ConfigError } from '../../core/errors.js';

/** Options for {@link createMemoryConversationStore}. */
export interface MemoryConversationStoreOptions {
  /** Time source for expiry. Default: `Date.now`. */
  clock?: Clock;
  /** A thread is forgotten this long after its last write. Default 30 days. */
  retentionMs?: number;
  /**
   * Most turns kept per thread; an even number so whole question/answer pairs are kept. Default 40.
   * Past the cap the thread's first pair is kept and the oldest pairs after it are dropped; with a
   * cap of 2 (one pair) the latest pair is kept instead.
   */
  maxTurns?: number;
  /** Expired threads are also swept (besides being dropped when read) at most this often. Default 60 s. */
  sweepIntervalMs?: number;
}

const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const DEFAULT_MAX_TURNS = 40;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

interface ThreadEntry {
  /** Unset until bindAgent, like the Redis hash that does not exist yet. */
  agentName?: string;
  createdAt: number;
  turns: StoredTurn[];
  expiresAt: number;
}

/**
 * Creates an in-process ConversationStore (development and tests) that behaves like the Redis
 * one: first-wins binding, the same turn cap in whole pairs (keeping the thread's first pair),
 * and expiry `retentionMs` after the last write, emulated with the injected clock. Turns are
 * copied in and out, never shared.
 */
export function createMemoryConversationStore(options: MemoryConversationStoreOptions = {}): ConversationStore {
  const clock = options.clock ?? { now: () => Date.now() };
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  validateOptions(retentionMs, maxTurns);

  const threads = new Map<string, ThreadEntry>();
  let lastSweepAt = clock.now();

  function readLiveEntry(key: ThreadKey): ThreadEntry | undefined {
    const id = formatThreadKey(key);
    const entry = threads.get(id);
    if (entry && isExpired(entry.expiresAt, clock.now())) {
      threads.delete(id);
      return undefined;
    }
    return entry;
  }

  function writeEntry(key: ThreadKey, entry: ThreadEntry): void {
    const now = clock.now();
    entry.expiresAt = now + retentionMs;
    threads.set(formatThreadKey(key), entry);
    if (now - lastSweepAt >= sweepIntervalMs) {
      lastSweepAt = now;
      sweepExpired(threads, now);
    }
  }

  return {
    async getThread(key) {
      const entry = readLiveEntry(key);
      if (entry?.agentName === undefined) {
        return undefined;
      }
      return { agentName: entry.agentName, createdAt: entry.createdAt, turns: entry.turns.map(copyTurn) };
    },

    async hasThread(key) {
      return readLiveEntry(key)?.agentName !== undefined;
    },

    async bindAgent(key, agentName, now) {
      const entry = readLiveEntry(key) ?? { createdAt: now, turns: [], expiresAt: 0 };
      if (entry.agentName === undefined) {
        entry.agentName = agentName;
        entry.createdAt = now;
      }
      writeEntry(key, entry);
      return entry.agentName;
    },

    async appendTurns(key, turns) {
      const existing = readLiveEntry(key);
      if (!existing && turns.length === 0) {
        return;
      }
      const entry = existing ?? { createdAt: 0, turns: [], expiresAt: 0 };
      // A turn of the same role and id already stored: this exchange was stored before (a re-run after a crash): no-op.
      if (turns.some((turn) => entry.turns.some((stored) => stored.turnId === turn.turnId && stored.role === turn.role))) return;
      entry.turns = trimToWholePairs([...entry.turns, ...turns.map(copyTurn)], maxTurns);
      writeEntry(key, entry);
    },

    async ping() {},
  };
}

function validateOptions(retentionMs: number, maxTurns: number): void {
  const problems = findHistoryLimitProblems(retentionMs, maxTurns);
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
}

/** Like Redis: a key is still readable at exactly its expiry instant. */
function isExpired(expiresAt: number, now: number): boolean {
  return now > expiresAt;
}

function sweepExpired(threads: Map<string, ThreadEntry>, now: number): void {
  for (const [id, entry] of threads) {
    if (isExpired(entry.expiresAt, now)) {
      threads.delete(id);
    }
  }
}

/**
 * Trims to `maxTurns` in whole pairs, like the Redis append script. When the turns start with a
 * question/answer pair and the cap holds more than one pair, that first pair stays (it frames the
 * thread and anchors the prompt-cache prefix) and the oldest turns after it go; otherwise (cap of
 * one pair — the latest exchange matters most then — or a malformed head) the oldest turns go.
 * Either way the newest turns are kept up to the cap and no answer is left leading them.
 */
function trimToWholePairs(turns: StoredTurn[], maxTurns: number): StoredTurn[] {
  if (turns.length <= maxTurns) {
    return turns;
  }
  const [first, second] = turns;
  const keepFirstPair = maxTurns >= 4 && first?.role === 'user' && second !== undefined && second.role !== 'user';
  const head = keepFirstPair ? turns.slice(0, 2) : [];
  const newest = turns.slice(-(maxTurns - head.length));
  const firstUser = newest.findIndex((turn) => turn.role === 'user');
  return [...head, ...(firstUser === -1 ? [] : newest.slice(firstUser))];
}

/** Copies the known fields only, leaving out undefined ones (as a stored record would). */
function copyTurn(turn: StoredTurn): StoredTurn {
  const copy: StoredTurn = { role: turn.role, content: structuredClone(turn.content), turnId: turn.turnId, at: turn.at };
  if (turn.userId !== undefined) copy.userId = turn.userId;
  if (turn.status !== undefined) copy.status = turn.status;
  if (turn.inputTokens !== undefined) copy.inputTokens = turn.inputTokens;
  if (turn.outputTokens !== undefined) copy.outputTokens = turn.outputTokens;
  return copy;
}
