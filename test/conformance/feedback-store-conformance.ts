import { afterEach, describe, expect, it } from 'vitest';
import type { FeedbackVote } from '../../src/core/feedback/feedback-vote.js';
import type { FeedbackStore } from '../../src/core/feedback/ports.js';

/** A feedback store under test. */
export interface FeedbackStoreUnderTest {
  store: FeedbackStore;
  /** A second store on the same backend (another replica). */
  anotherReplica(): FeedbackStore;
  /** The retention the store was created with. */
  retentionMs: number;
  /** Ms until the votes of the thread expire (-2 when nothing is kept for it). */
  expiresInMs(thread: { teamId: string; channelId: string; threadTs: string }): Promise<number>;
  cleanup(): Promise<void>;
}

const day = Date.UTC(2026, 11, 2, 9, 30);
const hour = 60 * 60 * 1000;
const thread = { teamId: 'T1', channelId: 'C1', threadTs: '1764667800.000100' };
const otherThread = { teamId: 'T1', channelId: 'C2', threadTs: '1764667900.000200' };

function vote(fields: Partial<FeedbackVote> = {}): FeedbackVote {
  return { ...thread, turnId: 'C1-1764667800.000100', agent: 'backend-architect', userId: 'U1', value: 'up', at: day, ...fields };
}

/** Behaviour every FeedbackStore must have (one vote per person per answer, comments, listing by period). */
export function describeFeedbackStoreConformance(name: string, makeStore: () => Promise<FeedbackStoreUnderTest>): void {
  describe(`${name} (FeedbackStore conformance)`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });
    async function setUp(): Promise<FeedbackStoreUnderTest> {
      const handle = await makeStore();
      cleanups.push(() => handle.cleanup());
      return handle;
    }

    it('records a first vote with no previous value, and lists it', async () => {
      const { store } = await setUp();
      expect(await store.recordVote(vote())).toEqual({});
      expect(await store.listVotes(day - hour, day + hour)).toEqual([vote()]);
    });

    it('keeps one vote per person per answer: a second press replaces the first and returns it', async () => {
      const { store } = await setUp();
      await store.recordVote(vote({ value: 'up' }));
      expect(await store.recordVote(vote({ value: 'down', at: day + 1000 }))).toEqual({ previous: 'up' });
      expect(await store.recordVote(vote({ value: 'down', at: day + 2000 }))).toEqual({ previous: 'down' });
      expect(await store.listVotes(day - hour, day + hour)).toEqual([vote({ value: 'down', at: day + 2000 })]);
    });

    it('keeps votes of other people and other answers apart', async () => {
      const { store } = await setUp();
      await store.recordVote(vote({ userId: 'U1', value: 'up' }));
      await store.recordVote(vote({ userId: 'U2', value: 'down', at: day + 1 }));
      await store.recordVote(vote({ turnId: 'C1-1764667999.000900', value: 'down', at: day + 2 }));
      await store.recordVote(vote({ ...otherThread, turnId: 'C2-1764667900.000200', agent: 'security-engineer', at: day + 3 }));
      const listed = await store.listVotes(day - hour, day + hour);
      expect(listed.map((entry) => [entry.channelId, entry.turnId, entry.userId, entry.agent, entry.value])).toEqual([
        ['C1', 'C1-1764667800.000100', 'U1', 'backend-architect', 'up'],
        ['C1', 'C1-1764667800.000100', 'U2', 'backend-architect', 'down'],
        ['C1', 'C1-1764667999.000900', 'U1', 'backend-architect', 'down'],
        ['C2', 'C2-1764667900.000200', 'U1', 'security-engineer', 'up'],
      ]);
    });

    it('lists only votes last pressed within the period, across days; a vote changed on a later day counts once, on that day', async () => {
      const { store } = await setUp();
      await store.recordVote(vote({ userId: 'U-old', at: day - 10 * 24 * hour }));
      await store.recordVote(vote({ userId: 'U1', value: 'up', at: day - 3 * 24 * hour }));
      await store.recordVote(vote({ userId: 'U2', value: 'up', at: day - 2 * 24 * hour }));
      await store.recordVote(vote({ userId: 'U2', value: 'down', at: day }));
      const lastWeek = await store.listVotes(day - 7 * 24 * hour, day + hour);
      expect(lastWeek.map((entry) => [entry.userId, entry.value])).toEqual([
        ['U1', 'up'],
        ['U2', 'down'],
      ]);
      // Before the change, U2's vote was not pressed in this window any more.
      const earlier = await store.listVotes(day - 3 * 24 * hour - hour, day - 2 * 24 * hour + hour);
      expect(earlier.map((entry) => [entry.userId, entry.value])).toEqual([['U1', 'up']]);
    });

    it('stores a comment with the person\'s vote; listings flag it without the text; a changed vote keeps it', async () => {
      const { store } = await setUp();
      await store.recordVote(vote({ value: 'down' }));
      const key = { ...thread, turnId: vote().turnId, userId: 'U1' };
      expect(await store.attachComment(key, 'It ignored our Postgres version.')).toEqual(vote({ value: 'down', comment: 'It ignored our Postgres version.' }));
      expect(await store.listVotes(day - hour, day + hour)).toEqual([vote({ value: 'down', commented: true })]);
      await store.recordVote(vote({ value: 'up', at: day + 5 }));
      expect(await store.attachComment(key, 'Second thoughts.')).toMatchObject({ value: 'up', comment: 'Second thoughts.' });
    });

    it('refuses a comment from someone without a vote on that answer', async () => {
      const { store } = await setUp();
      await store.recordVote(vote({ userId: 'U1', value: 'down' }));
      expect(await store.attachComment({ ...thread, turnId: vote().turnId, userId: 'U2' }, 'not mine')).toBeUndefined();
      expect(await store.attachComment({ ...thread, turnId: 'C1-other', userId: 'U1' }, 'not that one')).toBeUndefined();
      expect(await store.listVotes(day - hour, day + hour)).toEqual([vote({ value: 'down' })]);
    });

    it('shares votes across replicas', async () => {
      const { store, anotherReplica } = await setUp();
      const other = anotherReplica();
      await store.recordVote(vote({ value: 'up' }));
      expect(await other.recordVote(vote({ value: 'down', at: day + 1 }))).toEqual({ previous: 'up' });
      expect(await store.listVotes(day - hour, day + hour)).toEqual([vote({ value: 'down', at: day + 1 })]);
    });

    it('keeps a thread\'s votes for the thread retention after its latest press', async () => {
      const { store, expiresInMs, retentionMs } = await setUp();
      expect(await expiresInMs(thread)).toBe(-2);
      await store.recordVote(vote());
      const left = await expiresInMs(thread);
      expect(left).toBeGreaterThan(retentionMs - 60_000);
      expect(left).toBeLessThanOrEqual(retentionMs);
    });
  });
}
