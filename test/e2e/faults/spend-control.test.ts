import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from '../crew-harness.js';
import { waitForTurnEnd } from '../faults-model/thread-helpers.js';
import { buildCrewCommand, buildMentionEvent } from '../slack-event-builders.js';
import { requestsAsking, settle, waitForFinishedReplies } from './fault-test-helpers.js';

// Issue 9, point 6: daily token budgets per workspace and per channel, shared in Redis, counted
// from the usage the model reports; a question past a budget never reaches the model.

let harness: CrewHarness;

beforeAll(async () => {
  harness = await startCrewHarness({ env: { LOG_LEVEL: 'info', TEAM_DAILY_TOKEN_BUDGET: '1000000', CHANNEL_DAILY_TOKEN_BUDGET: '200' } });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.slack.reset();
  harness.anthropic.reset();
});

async function metricValue(pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${harness.crew.port}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

describe('daily token budgets', () => {
  it('answers until the channel budget is used up, then refuses privately (which budget, when it resets) without calling the model', async () => {
    harness.anthropic.enqueueReply({ text: 'Use a ledger table with one row per movement.' });
    const first = buildMentionEvent({ text: 'how do we model balances?', channel: 'C111' });
    await harness.postEvent(first);
    await waitForFinishedReplies(harness.slack, 'C111', first.event.ts);
    await waitForTurnEnd(harness, `C111-${first.event.ts}`);

    const second = buildMentionEvent({ text: 'and how do we reconcile them?', channel: 'C111', user: 'U333' });
    expect((await harness.postEvent(second)).status).toBe(200);
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U333')[0]);
    expect(note.text).toContain("This channel's daily token budget for the crew is used up");
    expect(note.text).toMatch(/It resets at .*UTC/);
    await settle();
    expect(requestsAsking(harness.anthropic, 'and how do we reconcile them?')).toHaveLength(0);
    expect(await metricValue(/crew_budget_refusals_total\{scope="channel"\} (\d+)/)).toBe(1);

    // Another channel has its own budget; the workspace budget is far from used.
    harness.anthropic.enqueueReply({ text: 'Reconcile nightly against the bank feed.' });
    const elsewhere = buildMentionEvent({ text: 'how do we reconcile in another channel?', channel: 'C222' });
    await harness.postEvent(elsewhere);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C222', elsewhere.event.ts);
    expect(answer?.text).toBe('Reconcile nightly against the bank feed.');
  });

  it('/crew usage shows today’s use against both budgets, privately', async () => {
    const response = await harness.postCommand(buildCrewCommand('usage', { channel: 'C111' }));
    const body = JSON.parse(response.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/workspace/i);
    expect(body.text).toMatch(/channel/i);
    expect(body.text).toContain('200');
    expect(harness.anthropic.requests).toHaveLength(0);
  });
});
