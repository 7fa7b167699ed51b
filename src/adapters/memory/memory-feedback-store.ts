import type { FeedbackVote } from '../../core/feedback/feedback-vote.js';
import type { FeedbackStore, FeedbackVoteKey } from '../../core/feedback/ports.js';
import { formatThreadKey } from '../../core/thread/thread-key.js';

/** Options of {@link createMemoryFeedbackStore}. */
export interface MemoryFeedbackStoreOptions {
  clock?: { now(): number };
  /** How long a thread's votes are kept after its latest press (the thread's retention). */
  retentionMs: number;
}

/** The in-process store, plus a look at what it keeps (tests and diagnostics). */
export interface MemoryFeedbackStore extends FeedbackStore {
  /** Every thread kept, with the ms until its votes expire. */
  listThreads(): Array<{ key: string; expiresInMs: number }>;
}

interface ThreadVotes {
  votes: Map<string, FeedbackVote>;
  expiresAt: number;
}

/**
 * Votes in process memory (used without Redis; not shared between replicas). The same rules
 * as the Redis store: one vote per person per answer, kept with the thread for its retention
 * after the thread's latest press; expired threads are swept out (at most once a minute) on writes.
 */
export function createMemoryFeedbackStore(options: MemoryFeedbackStoreOptions): MemoryFeedbackStore {
  const clock = options.clock ?? { now: () => Date.now() };
  const threads = new Map<string, ThreadVotes>();
  let sweptAt = Number.NEGATIVE_INFINITY;

  function liveThread(key: string, now: number): ThreadVotes | undefined {
    const thread = threads.get(key);
    if (thread && thread.expiresAt > now) return thread;
    threads.delete(key);
    return undefined;
  }

  function sweep(now: number): void {
    if (now - sweptAt < 60_000) return;
    sweptAt = now;
    for (const [key, thread] of threads) if (thread.expiresAt <= now) threads.delete(key);
  }

  const voteField = (key: Pick<FeedbackVoteKey, 'turnId' | 'userId'>) => `${key.turnId}:${key.userId}`;

  return {
    async recordVote(vote) {
      const now = clock.now();
      sweep(now);
      const key = formatThreadKey(vote);
      const thread = liveThread(key, now) ?? { votes: new Map<string, FeedbackVote>(), expiresAt: 0 };
      const previous = thread.votes.get(voteField(vote));
      const { comment: _ignored, commented: _flag, ...fresh } = vote;
      thread.votes.set(voteField(vote), { ...fresh, ...(previous?.comment !== undefined ? { comment: previous.comment } : {}) });
      thread.expiresAt = now + options.retentionMs;
      threads.set(key, thread);
      return previous ? { previous: previous.value } : {};
    },

    async attachComment(key, comment) {
      const now = clock.now();
      const thread = liveThread(formatThreadKey(key), now);
      const vote = thread?.votes.get(voteField(key));
      if (!thread || !vote) return undefined;
      const withComment = { ...vote, comment };
      thread.votes.set(voteField(key), withComment);
      thread.expiresAt = now + options.retentionMs;
      return { ...withComment };
    },

    async listVotes(sinceMs, untilMs) {
      const now = clock.now();
      const listed: FeedbackVote[] = [];
      for (const [key, thread] of threads) {
        if (!liveThread(key, now)) continue;
        for (const vote of thread.votes.values()) {
          if (vote.at < sinceMs || vote.at > untilMs) continue;
          const { comment, ...rest } = vote;
          listed.push({ ...rest, ...(comment !== undefined ? { commented: true } : {}) });
        }
      }
      return listed.sort((a, b) => a.at - b.at);
    },

    listThreads() {
      const now = clock.now();
      return [...threads].filter(([, thread]) => thread.expiresAt > now).map(([key, thread]) => ({ key, expiresInMs: thread.expiresAt - now }));
    },
  };
}

