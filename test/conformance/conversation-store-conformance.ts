import { textOf } from '../../src/core/model/content-block.js';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationStore } from '../../src/core/thread/ports.js';
import type { ThreadKey } from '../../src/core/thread/thread-key.js';
import type { StoredTurn } from '../../src/core/thread/thread-state.js';

/** What the suite asks of a store it creates. */
export interface ConformanceStoreSettings {
  retentionMs: number;
  /** Even. */
  maxTurns: number;
}

/** A store under test plus how to dispose of it and, for fake clocks, how to move time. */
export interface ConversationStoreUnderTest {
  store: ConversationStore;
  cleanup(): Promise<void>;
  /** Moves the store's clock forward. Absent for real-time stores: the suite then sleeps. */
  advanceTime?(ms: number): void | Promise<void>;
  /**
   * Another client of the same backend and data (e.g. a second Redis connection), so
   * concurrency tests race real separate callers. Absent: the suite reuses `store`.
   */
  connectAnotherClient?(): Promise<ConversationStore>;
}

/** Retention used by the expiry tests; short because real-time stores really wait for it. */
const SHORT_RETENTION_MS = 800;
/** Slack on the "must be gone by now" side of real-time expiry checks. */
const EXPIRY_MARGIN_MS = 150;
const LONG_RETENTION_MS = 60 * 60 * 1000;

/**
 * Behaviour every ConversationStore must have. Call from a test file with a factory that
 * builds a fresh, isolated store honouring the given settings.
 */
export function describeConversationStoreConformance(
  name: string,
  makeStore: (settings: ConformanceStoreSettings) => Promise<ConversationStoreUnderTest>,
): void {
  describe(`${name} (ConversationStore conformance)`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });

    async function setUp(settings: Partial<ConformanceStoreSettings> = {}): Promise<ConversationStoreUnderTest & { elapse(ms: number): Promise<void> }> {
      const handle = await makeStore({ retentionMs: LONG_RETENTION_MS, maxTurns: 100, ...settings });
      cleanups.push(() => handle.cleanup());
      return {
        ...handle,
        async elapse(ms) {
          if (handle.advanceTime) {
            await handle.advanceTime(ms);
          } else {
            await sleep(ms);
          }
        },
      };
    }

    it('reports an unknown thread as absent', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      expect(await store.getThread(key)).toBeUndefined();
      expect(await store.hasThread(key)).toBe(false);
    });

    it('answers ping', async () => {
      const { store } = await setUp();
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('binds a thread to an agent and reports it present', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      expect(await store.bindAgent(key, 'backend-architect', 1_700_000_000_123)).toBe('backend-architect');
      expect(await store.hasThread(key)).toBe(true);
      expect(await store.getThread(key)).toEqual({ agentName: 'backend-architect', createdAt: 1_700_000_000_123, turns: [] });
    });

    it('keeps the first binding and returns it to later binders', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      await store.bindAgent(key, 'first-agent', 1000);
      expect(await store.bindAgent(key, 'second-agent', 2000)).toBe('first-agent');
      expect(await store.getThread(key)).toMatchObject({ agentName: 'first-agent', createdAt: 1000 });
    });

    it('resolves concurrent binds to a single winner', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      const names = Array.from({ length: 10 }, (_, index) => `agent-${index}`);
      const bound = await Promise.all(names.map((agent) => store.bindAgent(key, agent, 1)));
      expect(new Set(bound).size).toBe(1);
      expect((await store.getThread(key))?.agentName).toBe(bound[0]);
    });

    it('keeps threads apart', async () => {
      const { store } = await setUp();
      const first = createThreadKey();
      const second = { ...first, threadTs: `${first.threadTs}1` };
      await store.bindAgent(first, 'agent-a', 1);
      await store.appendTurns(first, createPair('t1'));
      expect(await store.hasThread(second)).toBe(false);
      await store.bindAgent(second, 'agent-b', 2);
      expect(await store.getThread(second)).toEqual({ agentName: 'agent-b', createdAt: 2, turns: [] });
      expect((await store.getThread(first))?.turns).toHaveLength(2);
    });

    it('returns every turn field and keeps order across calls', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 5);
      const calls = [createPair('t1'), createPair('t2'), createPair('t3', 'interrupted')];
      for (const turns of calls) {
        await store.appendTurns(key, turns);
      }
      expect(await store.getThread(key)).toEqual({ agentName: 'agent', createdAt: 5, turns: calls.flat() });
    });

    it('does not share turn objects with the caller', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 5);
      const turns = createPair('t1');
      await store.appendTurns(key, turns);
      turns[0]!.content = [{ type: 'text', text: 'changed by caller' }];
      const read = await store.getThread(key);
      (read!.turns[1]!.content[0] as { text: string }).text = 'changed by reader';
      read!.turns.pop();
      expect((await store.getThread(key))?.turns).toEqual(createPair('t1'));
    });

    it('caps history at maxTurns, keeping the first pair and the most recent whole pairs', async () => {
      const { store } = await setUp({ maxTurns: 6 });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      for (let index = 1; index <= 5; index += 1) {
        await store.appendTurns(key, createPair(`t${index}`));
      }
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t1:user', 't1:assistant', 't4:user', 't4:assistant', 't5:user', 't5:assistant']);

      await store.appendTurns(key, [...createPair('t6'), ...createPair('t7'), ...createPair('t8'), ...createPair('t9')]);
      const turns = (await store.getThread(key))!.turns;
      expect(turnIdsAndRoles(turns)).toEqual(['t1:user', 't1:assistant', 't8:user', 't8:assistant', 't9:user', 't9:assistant']);
      expect(turns.slice(0, 2)).toEqual(createPair('t1'));
    });

    it('keeps the first pair of a single oversized append', async () => {
      const { store } = await setUp({ maxTurns: 4 });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      await store.appendTurns(key, [...createPair('t1'), ...createPair('t2'), ...createPair('t3')]);
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t1:user', 't1:assistant', 't3:user', 't3:assistant']);
    });

    it('never leaves history starting with an answer when a lone question pushes it over the cap', async () => {
      const { store } = await setUp({ maxTurns: 4 });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      await store.appendTurns(key, createPair('t1'));
      await store.appendTurns(key, createPair('t2'));
      const [question, answer] = createPair('t3');
      await store.appendTurns(key, [question!]);
      let turns = (await store.getThread(key))!.turns;
      expect(turns[0]?.role).toBe('user');
      expect(turnIdsAndRoles(turns)).toEqual(['t1:user', 't1:assistant', 't3:user']);

      await store.appendTurns(key, [answer!]);
      turns = (await store.getThread(key))!.turns;
      expect(turnIdsAndRoles(turns)).toEqual(['t1:user', 't1:assistant', 't3:user', 't3:assistant']);
    });

    it('keeps only the latest pair when the cap holds a single pair', async () => {
      const { store } = await setUp({ maxTurns: 2 });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      await store.appendTurns(key, createPair('t1'));
      await store.appendTurns(key, createPair('t2'));
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t2:user', 't2:assistant']);

      const [question, answer] = createPair('t3');
      await store.appendTurns(key, [question!]);
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t3:user']);
      await store.appendTurns(key, [answer!]);
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t3:user', 't3:assistant']);

      await store.appendTurns(key, [...createPair('t4'), ...createPair('t5')]);
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t5:user', 't5:assistant']);
    });

    it('trims a history whose first record is an answer without crashing, then keeps the first whole pair', async () => {
      const { store } = await setUp({ maxTurns: 4 });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      const strayAnswer = createPair('t0')[1]!;
      await store.appendTurns(key, [strayAnswer, ...createPair('t1')]);
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t0:assistant', 't1:user', 't1:assistant']);

      // Over the cap with a malformed head: the oldest records go, and no answer is left first.
      await store.appendTurns(key, createPair('t2'));
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t1:user', 't1:assistant', 't2:user', 't2:assistant']);

      // The history now starts with a whole pair, which is kept from here on.
      await store.appendTurns(key, createPair('t3'));
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t1:user', 't1:assistant', 't3:user', 't3:assistant']);
    });

    it('empties a history of answers only once it is over the cap', async () => {
      const { store } = await setUp({ maxTurns: 2 });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      const answers = ['t1', 't2', 't3'].map((turnId) => createPair(turnId)[1]!);
      await store.appendTurns(key, answers);
      expect(await store.getThread(key)).toEqual({ agentName: 'agent', createdAt: 1, turns: [] });
      await store.appendTurns(key, createPair('t4'));
      expect(turnIdsAndRoles((await store.getThread(key))!.turns)).toEqual(['t4:user', 't4:assistant']);
    });

    it('forgets a thread once its retention has passed since the last write', async () => {
      const { store, elapse } = await setUp({ retentionMs: SHORT_RETENTION_MS });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      await store.appendTurns(key, createPair('t1'));
      await elapse(SHORT_RETENTION_MS / 2);
      expect(await store.hasThread(key)).toBe(true);
      await elapse(SHORT_RETENTION_MS / 2 + EXPIRY_MARGIN_MS);
      expect(await store.hasThread(key)).toBe(false);
      expect(await store.getThread(key)).toBeUndefined();
    });

    it('refreshes the expiry of the whole thread when turns are appended', async () => {
      const { store, elapse } = await setUp({ retentionMs: SHORT_RETENTION_MS });
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      await store.appendTurns(key, createPair('t1'));
      await elapse(SHORT_RETENTION_MS * 0.6);
      await store.appendTurns(key, createPair('t2'));
      await elapse(SHORT_RETENTION_MS * 0.6);
      // Past the retention counted from the bind, within it counted from the append.
      const state = await store.getThread(key);
      expect(state?.agentName).toBe('agent');
      expect(turnIdsAndRoles(state?.turns ?? [])).toEqual(['t1:user', 't1:assistant', 't2:user', 't2:assistant']);
      await elapse(SHORT_RETENTION_MS * 0.4 + EXPIRY_MARGIN_MS);
      expect(await store.getThread(key)).toBeUndefined();
    });

    it('round-trips Unicode and control characters byte for byte', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      await store.bindAgent(key, 'agent-é🚀', 1);
      const texts = [
        'emoji 👩🏽‍💻 family 👨‍👩‍👧‍👦 flag 🇫🇷 keycap 1️⃣',
        'combining e\u0301 vs é, NFC/NFD must not be normalised: \u0041\u030A \u00C5',
        'CJK 漢字かなカナ 한국어, RTL שלום عربى, math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
        'controls \u0000 nul, \t tab, \r\n crlf, \u2028 line sep, \uFEFF bom, \u200B zwsp',
        'json-ish "quotes" \\backslash\\ {"r":"u",} \u007F del, lone surrogate \uD83D end',
      ];
      const turns: StoredTurn[] = texts.flatMap((text, index) => createPair(`u${index}`).map((turn) => ({ ...turn, content: [{ type: 'text' as const, text }] })));
      await store.appendTurns(key, turns);
      const state = await store.getThread(key);
      expect(state?.agentName).toBe('agent-é🚀');
      const readTexts = state?.turns.map((turn) => textOf(turn.content)) ?? [];
      expect(readTexts).toEqual(turns.map((turn) => textOf(turn.content)));
      readTexts.forEach((text, index) => {
        expect(Buffer.from(text, 'utf16le').equals(Buffer.from(textOf(turns[index]!.content), 'utf16le'))).toBe(true);
      });
    });

    it('round-trips a 40k-character answer', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      const longText = Array.from({ length: 40_000 }, (_, index) => 'aé€🙂\n'[index % 5]).join('');
      const [question, answer] = createPair('t1');
      await store.appendTurns(key, [question!, { ...answer!, content: [{ type: 'text', text: longText }] }]);
      const turns = (await store.getThread(key))!.turns;
      expect(textOf(turns[1]!.content).length).toBe(longText.length);
      expect(textOf(turns[1]!.content) === longText).toBe(true);
    });

    it('round-trips an answer made of several blocks (tool call, result, text)', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      const [question, answer] = createPair('t1');
      const content: StoredTurn['content'] = [
        { type: 'text', text: 'Let me check. ' },
        { type: 'tool-use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'postgres 18 release' }, server: true },
        { type: 'tool-result', toolUseId: 'srvtoolu_1', content: '', server: true },
        { type: 'text', text: 'Postgres 18 shipped in September.' },
      ];
      await store.appendTurns(key, [question!, { ...answer!, content }]);
      expect((await store.getThread(key))!.turns[1]!.content).toEqual(content);
    });

    it('ignores an exchange whose turn id is already stored (a re-run storing it again), also with other text', async () => {
      const { store } = await setUp();
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      await store.appendTurns(key, createPair('t1'));
      await store.appendTurns(key, createPair('t2'));
      const [question, answer] = createPair('t1');
      await store.appendTurns(key, [question!, { ...answer!, content: [{ type: 'text', text: 'a second answer to the same question' }] }]);
      const turns = (await store.getThread(key))!.turns;
      expect(turnIdsAndRoles(turns)).toEqual(['t1:user', 't1:assistant', 't2:user', 't2:assistant']);
      expect(textOf(turns[1]!.content)).toBe('answer t1');
    });

    it('appends each call as one block when callers run concurrently', async () => {
      const handle = await setUp({ maxTurns: 400 });
      const { store } = handle;
      const otherStore = (await handle.connectAnotherClient?.()) ?? store;
      const key = createThreadKey();
      await store.bindAgent(key, 'agent', 1);
      const callers = [
        { name: 'a', store },
        { name: 'b', store: otherStore },
      ];
      const callsPerCaller = 15;
      await Promise.all(
        callers.map(async (caller) => {
          // Each caller issues its calls one after another; the two callers race each other.
          for (let call = 0; call < callsPerCaller; call += 1) {
            const prefix = `${caller.name}${call}`;
            await caller.store.appendTurns(key, [...createPair(`${prefix}-1`), ...createPair(`${prefix}-2`)]);
          }
        }),
      );
      const ids = (await store.getThread(key))!.turns.map((turn) => turn.turnId);
      expect(ids).toHaveLength(callers.length * callsPerCaller * 4);
      for (let start = 0; start < ids.length; start += 4) {
        const block = ids.slice(start, start + 4);
        const call = block[0]!.replace(/-1$/, '');
        expect(block).toEqual([`${call}-1`, `${call}-1`, `${call}-2`, `${call}-2`]);
      }
      for (const { name } of callers) {
        const order = ids.filter((id, index) => index % 4 === 0 && id.startsWith(name));
        expect(order).toEqual(Array.from({ length: callsPerCaller }, (_, call) => `${name}${call}-1`));
      }
    });
  });
}

/** A thread key no other test uses. */
export function createThreadKey(): ThreadKey {
  const unique = randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase();
  return { teamId: `T${unique}`, channelId: `C${unique}`, threadTs: `1700000000.${unique.replace(/\D/g, '').padEnd(6, '0').slice(0, 6)}` };
}

/** A question and its answer sharing `turnId`, with every optional field set where it applies. */
export function createPair(turnId: string, status: 'complete' | 'interrupted' = 'complete'): StoredTurn[] {
  return [
    { role: 'user', content: [{ type: 'text', text: `question ${turnId}` }], userId: 'U123ABC', turnId, at: 1_700_000_000_000 },
    { role: 'assistant', content: [{ type: 'text', text: `answer ${turnId}` }], turnId, at: 1_700_000_001_000, status, inputTokens: 1234, outputTokens: 56 },
  ];
}

function turnIdsAndRoles(turns: StoredTurn[]): string[] {
  return turns.map((turn) => `${turn.turnId}:${turn.role}`);
}
