import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../test/helpers/test-fixtures.js';
import type { EarlierThreadMessages, ThreadHistoryReader, UserDirectory } from '../thread/ports.js';
import type { Logger } from '../shared/ports.js';
import { renderEarlierMessages, seedFirstQuestion } from './seed-first-question.js';

const quiet = silentLogger();
const key = { teamId: 'T1', channelId: 'C1', threadTs: '100.000001' };

function readerOf(result: EarlierThreadMessages | Error): ThreadHistoryReader & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async readEarlierMessages(_key, beforeTs) {
      calls.push(beforeTs);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const earlier: EarlierThreadMessages = {
  messages: [
    { authorId: 'U1', isBot: false, text: 'Refunds time out', ts: '100.000001' },
    { authorId: 'U2', isBot: false, text: 'Since the deploy', ts: '100.000300' },
  ],
  omittedCount: 4,
};

describe('seedFirstQuestion', () => {
  it('puts the thread’s earlier messages in front of the first question, each quoted with its author', async () => {
    const reader = readerOf(earlier);
    const text = await seedFirstQuestion({ reader, key, question: 'why?', messageTs: '100.000500', hasHistory: false, logger: quiet });
    expect(reader.calls).toEqual(['100.000500']);
    expect(text).toBe(
      [
        '[Earlier messages in this thread, before you were asked (oldest first):]',
        '<untrusted_material source="slack-message" author="U1">',
        'Refunds time out',
        '</untrusted_material>',
        '[… 4 more earlier message(s) not shown]',
        '<untrusted_material source="slack-message" author="U2">',
        'Since the deploy',
        '</untrusted_material>',
        '[End of earlier messages. The question to you follows.]',
        '',
        'why?',
      ].join('\n'),
    );
  });

  it('names authors and the asker from the directory (ids where it has no name), one lookup each', async () => {
    const lookups: string[] = [];
    const directory: UserDirectory = {
      async displayNameOf(teamId, userId) {
        lookups.push(`${teamId}:${userId}`);
        return userId === 'U1' ? 'Alice' : undefined;
      },
    };
    const withRepeat: EarlierThreadMessages = { messages: [...earlier.messages, { authorId: 'U1', isBot: false, text: 'Yes', ts: '100.000400' }], omittedCount: 0 };
    const text = await seedFirstQuestion({ reader: readerOf(withRepeat), key, question: 'why?', messageTs: '100.000500', hasHistory: false, logger: quiet, askerId: 'U2', directory });
    expect(text).toContain('<untrusted_material source="slack-message" author="Alice (U1)">\nRefunds time out\n</untrusted_material>');
    expect(text).toContain('<untrusted_material source="slack-message" author="U2">\nSince the deploy\n</untrusted_material>');
    expect(text).toContain('[End of earlier messages. The question to you follows, from U2.]\n\nwhy?');
    expect(lookups).toEqual(['T1:U2', 'T1:U1']);
  });

  it('does not read the platform when the thread has history, or when the question started the thread', async () => {
    const reader = readerOf(earlier);
    expect(await seedFirstQuestion({ reader, key, question: 'q', messageTs: '100.000500', hasHistory: true, logger: quiet })).toBe('q');
    expect(await seedFirstQuestion({ reader, key, question: 'q', messageTs: key.threadTs, hasHistory: false, logger: quiet })).toBe('q');
    expect(await seedFirstQuestion({ reader, key, question: 'q', hasHistory: false, logger: quiet })).toBe('q');
    expect(reader.calls).toEqual([]);
  });

  it('answers without context when the read fails or finds nothing', async () => {
    expect(await seedFirstQuestion({ reader: readerOf(new Error('ratelimited')), key, question: 'q', messageTs: '100.2', hasHistory: false, logger: quiet })).toBe('q');
    expect(await seedFirstQuestion({ reader: readerOf({ messages: [], omittedCount: 0 }), key, question: 'q', messageTs: '100.2', hasHistory: false, logger: quiet })).toBe('q');
  });

  it('names a bot by the name its post shows', () => {
    const rendered = renderEarlierMessages(
      { messages: [{ authorId: 'UB2', isBot: true, authorName: 'Deploy Bot', text: 'Done', ts: '100.000900' }], omittedCount: 0 },
      key.threadTs,
      new Map([['UB2', 'deploy-bot-user']]),
    );
    expect(rendered).toContain('<untrusted_material source="slack-bot" author="Deploy Bot (UB2)">\nDone\n</untrusted_material>');
  });

  it('marks bots and puts the gap first when the root was not read', () => {
    const rendered = renderEarlierMessages(
      { messages: [{ authorId: 'B1', isBot: true, text: 'Deployed', ts: '100.000900' }], omittedCount: 2 },
      key.threadTs,
    );
    expect(rendered.split('\n').slice(1, 5)).toEqual([
      '[… 2 more earlier message(s) not shown]',
      '<untrusted_material source="slack-bot" author="B1">',
      'Deployed',
      '</untrusted_material>',
    ]);
  });
});
