import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/helpers/test-fixtures.js';
import type { ReplySink, ReplyTarget, UnrecordedReply } from '../reply/ports.js';
import { settleEarlierAttempt } from './settle-earlier-attempt.js';

const target: ReplyTarget = {
  teamId: 'T1',
  channelId: 'C1',
  threadTs: '1700000000.000100',
  recipientUserId: 'U1',
  isDirectMessage: false,
  agent: { name: 'backend-architect', displayName: 'Backend Architect' },
  turnId: 'C1-1700000000.000100',
};

const quiet = silentLogger();

/** A sink that records what the settling asked of it. */
function recordingSink(answers: { delivered?: string; recovered?: UnrecordedReply | Error }) {
  const calls: string[] = [];
  const sink = {
    open: () => {
      throw new Error('not used');
    },
    postNotice: async () => undefined,
    postPrivateNotice: async () => undefined,
    markAbandoned: async (_target: ReplyTarget, ts: string) => void calls.push(`mark ${ts}`),
    readDeliveredAnswer: async (_target: ReplyTarget, ts: readonly string[]) => {
      calls.push(`read ${ts.join(',')}`);
      return answers.delivered;
    },
    recoverUnrecordedReply: async (_target: ReplyTarget, afterTs: string) => {
      calls.push(`recover after ${afterTs}`);
      if (answers.recovered instanceof Error) throw answers.recovered;
      return answers.recovered ?? { marked: 0 };
    },
  } as unknown as ReplySink;
  return { sink, calls };
}

describe('settleEarlierAttempt', () => {
  it('does nothing on a first attempt', async () => {
    const { sink, calls } = recordingSink({});
    expect(await settleEarlierAttempt(sink, target, { attempt: 1, messageTs: [], questionTs: '1.1' }, quiet)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('returns the delivered answer of recorded messages and marks nothing', async () => {
    const { sink, calls } = recordingSink({ delivered: 'Keep one ledger row per refund.' });
    expect(await settleEarlierAttempt(sink, target, { attempt: 2, messageTs: ['2.1', '2.2'], questionTs: '1.1' }, quiet)).toBe('Keep one ledger row per refund.');
    expect(calls).toEqual(['read 2.1,2.2']);
  });

  it('marks every recorded message when the answer did not finish', async () => {
    const { sink, calls } = recordingSink({});
    expect(await settleEarlierAttempt(sink, target, { attempt: 2, messageTs: ['2.1', '2.2'], questionTs: '1.1' }, quiet)).toBeUndefined();
    expect(calls).toEqual(['read 2.1,2.2', 'mark 2.1', 'mark 2.2']);
  });

  it('on a re-run with nothing recorded, looks in the thread after the question', async () => {
    const found = recordingSink({ recovered: { deliveredText: 'Shard by tenant.', marked: 0 } });
    expect(await settleEarlierAttempt(found.sink, target, { attempt: 2, messageTs: [], questionTs: '1.1' }, quiet)).toBe('Shard by tenant.');
    expect(found.calls).toEqual(['recover after 1.1']);
    const refused = recordingSink({ recovered: new Error('ratelimited') });
    expect(await settleEarlierAttempt(refused.sink, target, { attempt: 3, messageTs: [], questionTs: '1.1' }, quiet)).toBeUndefined();
  });
});
