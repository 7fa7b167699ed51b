import { describe, expect, it } from 'vitest';
import { attributeTurnQuestion, participantsOf } from './attribute-turn-question.js';
import type { UserDirectory } from '../thread/ports.js';
import type { StoredTurn } from '../thread/thread-state.js';

/** A directory over a fixed table that records its lookups. */
function directoryOf(names: Record<string, string>): UserDirectory & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    async displayNameOf(teamId, userId) {
      lookups.push(`${teamId}:${userId}`);
      return names[userId];
    },
  };
}

function exchange(userId: string, index: number): StoredTurn[] {
  return [
    { role: 'user', content: [{ type: 'text', text: `q${index}` }], userId, turnId: `t${index}`, at: index },
    { role: 'assistant', content: [{ type: 'text', text: `a${index}` }], turnId: `t${index}`, at: index, status: 'complete' },
  ];
}

describe('attributeTurnQuestion', () => {
  it('lists who asked, each once, in the order they first asked', () => {
    expect(participantsOf([...exchange('U1', 1), ...exchange('U2', 2), ...exchange('U1', 3)])).toEqual(['U1', 'U2']);
  });

  it('looks nobody up and changes nothing in a one-person thread', async () => {
    const directory = directoryOf({ U1: 'Alice' });
    const text = await attributeTurnQuestion({ directory, teamId: 'T1', userId: 'U1', text: 'more?', history: exchange('U1', 1) });
    expect(text).toBe('more?');
    expect(directory.lookups).toEqual([]);
  });

  it('names the second person from the directory, and the first one once', async () => {
    const directory = directoryOf({ U1: 'Alice', U2: 'Bob' });
    const text = await attributeTurnQuestion({ directory, teamId: 'T1', userId: 'U2', text: 'and then?', history: exchange('U1', 1) });
    expect(text).toBe('[message from Bob (U2); earlier messages without this header came from Alice (U1)]\nand then?');
    expect(directory.lookups).toEqual(['T1:U2', 'T1:U1']);
  });

  it('falls back to ids without a directory or when it has no name, or fails', async () => {
    expect(await attributeTurnQuestion({ teamId: 'T1', userId: 'U2', text: 'x', history: exchange('U1', 1) })).toBe(
      '[message from U2; earlier messages without this header came from U1]\nx',
    );
    const failing: UserDirectory = { displayNameOf: () => Promise.reject(new Error('down')) };
    const history = [...exchange('U1', 1), ...exchange('U2', 2)];
    expect(await attributeTurnQuestion({ directory: failing, teamId: 'T1', userId: 'U3', text: 'y', history })).toBe('[message from U3]\ny');
  });
});
