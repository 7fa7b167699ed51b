import type { RedisClient } from './redis-client.js';
import { StoreUnavailableError } from '../../core/errors.js';
import { findFeedbackDay, listUtcDays } from '../../core/feedback/parse-feedback-period.js';
import { parseFeedbackValue, type FeedbackValue, type FeedbackVote } from '../../core/feedback/feedback-vote.js';
import type { FeedbackStore, FeedbackVoteKey } from '../../core/feedback/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { createRedisKeys } from './redis-keys.js';

/** Options of {@link createRedisFeedbackStore}. */
export interface RedisFeedbackStoreOptions {
  /** Client to use (see `createRedisConnection`). Must not have ioredis' own `keyPrefix` set. */
  redis: RedisClient;
  /** Prefix of every key, e.g. `crew:`. */
  keyPrefix: string;
  /** How long votes are kept after the latest press in their thread: the thread's retention (`THREAD_RETENTION_DAYS`). */
  retentionMs: number;
  /** Receives warnings about malformed stored records. */
  logger?: Logger;
}

/** A vote as stored in its thread's hash: `{v, a, at}` (value, agent, press time). */
interface StoredVote {
  v: FeedbackValue;
  a: string;
  at: number;
}

/** A day-index entry: the stored vote plus `c: 1` once a comment is stored with it. */
interface IndexedVote extends StoredVote {
  c?: 1;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * KEYS[1] the thread's feedback hash. ARGV: vote field, encoded vote, retention ms. Replaces the
 * vote, renews the hash's expiry and returns the vote it replaced (or false). One key: one slot.
 */
const RECORD_VOTE_SCRIPT = `
local previous = redis.call('HGET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return previous
`;

/**
 * KEYS[1] the thread's feedback hash. ARGV: vote field, comment field, comment, retention ms.
 * Stores the comment only when the vote exists; returns the vote (or false).
 */
const ATTACH_COMMENT_SCRIPT = `
local vote = redis.call('HGET', KEYS[1], ARGV[1])
if not vote then return false end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return vote
`;

/**
 * Votes on Redis. A thread's votes and comments live in one hash under the thread's hash tag,
 * `<prefix>feedback:{T1:C1:171…}` (fields `vote:<turn id>:<user>` and `comment:<turn id>:<user>`),
 * expiring the thread's retention after its latest press: kept with the turn, forgotten with it.
 * Each vote is also indexed under the UTC day it was last pressed, `<prefix>feedback-day:2026-12-02`
 * (field `<team>|<channel>|<thread ts>|<turn id>|<user>`), so `crew feedback` reads a period's votes
 * with one HGETALL per day and no SCAN — on Redis Cluster too, since every command touches one key.
 * A day index expires a day after the thread retention from its last write.
 */
export function createRedisFeedbackStore(options: RedisFeedbackStoreOptions): FeedbackStore {
  const { redis, retentionMs } = options;
  const keys = createRedisKeys(options.keyPrefix);
  const dayRetentionMs = retentionMs + dayMs;

  async function runRoundTrip<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`Redis feedback ${operation} failed: ${reason}`, { cause: error });
    }
  }

  function decode<T extends StoredVote>(raw: unknown): T | undefined {
    if (typeof raw !== 'string') return undefined;
    try {
      const parsed = JSON.parse(raw) as Partial<T>;
      if (parseFeedbackValue(parsed.v) === undefined || typeof parsed.a !== 'string' || typeof parsed.at !== 'number') return undefined;
      return parsed as T;
    } catch {
      return undefined;
    }
  }

  async function index(key: FeedbackVoteKey, entry: IndexedVote): Promise<void> {
    const dayKey = keys.feedbackDay(findFeedbackDay(entry.at));
    await redis.multi().hset(dayKey, indexField(key), JSON.stringify(entry)).pexpire(dayKey, dayRetentionMs).exec();
  }

  return {
    async recordVote(vote) {
      const stored: StoredVote = { v: vote.value, a: vote.agent, at: vote.at };
      const reply = await runRoundTrip('vote', () =>
        redis.eval(RECORD_VOTE_SCRIPT, 1, keys.feedback(vote), voteField(vote), JSON.stringify(stored), retentionMs),
      );
      const previous = decode<StoredVote>(reply);
      await runRoundTrip('index', async () => {
        // A vote is listed under the day it was last pressed only.
        if (previous && findFeedbackDay(previous.at) !== findFeedbackDay(vote.at)) {
          await redis.hdel(keys.feedbackDay(findFeedbackDay(previous.at)), indexField(vote));
        }
        await index(vote, stored);
      });
      return previous ? { previous: previous.v } : {};
    },

    async attachComment(key, comment) {
      const reply = await runRoundTrip('comment', () =>
        redis.eval(ATTACH_COMMENT_SCRIPT, 1, keys.feedback(key), voteField(key), commentField(key), comment, retentionMs),
      );
      const vote = decode<StoredVote>(reply);
      if (!vote) return undefined;
      await runRoundTrip('index', () => index(key, { ...vote, c: 1 }));
      return { ...key, agent: vote.a, value: vote.v, at: vote.at, comment };
    },

    async listVotes(sinceMs, untilMs) {
      const days = listUtcDays(sinceMs, untilMs);
      const hashes = await runRoundTrip('list', () => Promise.all(days.map((day) => redis.hgetall(keys.feedbackDay(day)))));
      const latest = new Map<string, FeedbackVote>();
      for (const hash of hashes) {
        for (const [field, raw] of Object.entries(hash)) {
          const entry = decode<IndexedVote>(raw);
          const key = parseIndexField(field);
          if (!entry || !key) {
            options.logger?.warn({ field }, 'ignored a malformed feedback index entry');
            continue;
          }
          if (entry.at < sinceMs || entry.at > untilMs) continue;
          const known = latest.get(field);
          if (known && known.at >= entry.at) continue;
          latest.set(field, { ...key, agent: entry.a, value: entry.v, at: entry.at, ...(entry.c ? { commented: true } : {}) });
        }
      }
      return [...latest.values()].sort((a, b) => a.at - b.at);
    },
  };
}

function voteField(key: Pick<FeedbackVoteKey, 'turnId' | 'userId'>): string {
  return `vote:${key.turnId}:${key.userId}`;
}

function commentField(key: Pick<FeedbackVoteKey, 'turnId' | 'userId'>): string {
  return `comment:${key.turnId}:${key.userId}`;
}

/** Slack ids and ts contain no `|`: it separates the parts of a day-index field unambiguously. */
function indexField(key: FeedbackVoteKey): string {
  return [key.teamId, key.channelId, key.threadTs, key.turnId, key.userId].join('|');
}

function parseIndexField(field: string): FeedbackVoteKey | undefined {
  const parts = field.split('|');
  if (parts.length !== 5 || parts.some((part) => part === '')) return undefined;
  const [teamId, channelId, threadTs, turnId, userId] = parts as [string, string, string, string, string];
  return { teamId, channelId, threadTs, turnId, userId };
}
