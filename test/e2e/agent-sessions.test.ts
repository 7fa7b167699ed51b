import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { botMessagesIn, storedTurnsOf, waitForTurnEnd } from './faults-model/thread-helpers.js';
import { buildSessionStoppedEvent } from './session-event-builders.js';
import { buildMentionEvent, buildMessageEvent } from './slack-event-builders.js';

// Issue 12, point 1: each answered thread is a Slack agent session — processing while a turn
// runs, active once answered, titled from the first question; Slack's native Stop reaches the
// replica running the answer; where Slack refuses sessions the bot falls back without failing.

const stoppedNote = '⏹️ _Stopped — the answer above is incomplete._';
let agentsDir: string;
let harness: CrewHarness;

beforeAll(async () => {
  agentsDir = mkdtempSync(path.join(tmpdir(), 'crew-sessions-'));
  const file = (name: string, extra: string, prompt: string) =>
    writeFileSync(path.join(agentsDir, `${name}.md`), `---\nname: ${name}\ndescription: The ${name}.\n${extra}---\n${prompt}\n`);
  file('lead', 'display_name: Engineering Lead\ntools: Agent(security-engineer)\nloading_messages: [Weighing the options…, Checking the runbooks…]\n', 'You are the engineering lead.');
  file('security-engineer', '', 'You are the security engineer.');
  harness = await startCrewHarness({ env: { AGENTS_DIR: agentsDir, DEFAULT_AGENT: 'lead' } });
});
afterAll(async () => {
  await harness.close();
  rmSync(agentsDir, { recursive: true, force: true });
});
beforeEach(() => {
  harness.slack.reset();
  harness.anthropic.reset();
});

/** When the thread's session is scheduled to close (its score in the shared schedule), or null. */
const closingOf = (threadTs: string) => harness.redis!.redis.zscore(`${harness.redis!.prefix}session-closing`, `{T111:C111:${threadTs}}`);

/** Short paragraphs, so the answer streams for a while. */
const longText = (count: number) => Array.from({ length: count }, (_, index) => `Step ${index + 1}: keep it simple.`).join('\n\n');

describe('agent sessions', () => {
  it('moves a thread’s session processing → active, titled from the first question without its secrets', async () => {
    harness.anthropic.enqueueReply({ text: 'Shard by customer id.', tokensPerSecond: 200 });
    const event = buildMentionEvent({ text: 'How should we shard the orders table? our password=hunter2' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const session = await harness.slack.waitFor(() => {
      const found = harness.slack.sessions.get('C111', event.event.ts);
      return found?.status === 'active' && found.history.some((entry) => entry.by === 'agents.sessions.setStatus' && entry.status === 'active') ? found : undefined;
    });
    expect(session.history[0]).toMatchObject({ status: 'processing', by: 'agents.sessions.setStatus' });
    expect(session.title).toBe('How should we shard the orders table? our');
    expect(session.title).not.toContain('hunter2');
    expect(session.initiatorUserId).toBe('U222');
    expect(session.username).toBe('Engineering Lead');
    // The status line still speaks with the agent's own loading messages.
    // Its closing is scheduled for when the thread's conversation expires (30 days by default).
    let closeAt: string | null = null;
    for (let attempt = 0; attempt < 100 && closeAt === null; attempt += 1) {
      closeAt = await closingOf(event.event.ts);
      if (closeAt === null) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(Math.abs(Number(closeAt) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    const statuses = harness.slack.statusHistory('C111', event.event.ts);
    expect(statuses[0]?.loadingMessages).toEqual(['Weighing the options…', 'Checking the runbooks…']);

    // A follow-up in the thread runs the session again; its title stays the first question's.
    harness.anthropic.enqueueReply({ text: 'Use a hash of the id.' });
    await harness.postEvent(buildMentionEvent({ text: 'and the keys? token=abc', threadTs: event.event.ts }));
    await harness.slack.waitFor(() => {
      const statuses = harness.slack.sessions.get('C111', event.event.ts)?.history.filter((entry) => entry.by === 'agents.sessions.setStatus').map((entry) => entry.status);
      return statuses?.join(',') === 'processing,active,processing,active';
    });
    expect(harness.slack.sessions.get('C111', event.event.ts)?.titles).toEqual(['How should we shard the orders table? our']);
    expect(harness.slack.callsTo('agents.sessions.rename')).toHaveLength(0);
  });

  it('renames a session Slack already had under another title', async () => {
    const event = buildMentionEvent({ text: 'Plan the Kafka upgrade' });
    // Slack opened the session itself (the person started it from the agent view).
    harness.slack.sessions.seed('C111', event.event.ts, 'New chat');
    harness.anthropic.enqueueReply({ text: 'Step one: read the notes.' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    await harness.slack.waitFor(() => harness.slack.callsTo('agents.sessions.rename')[0]);
    expect(harness.slack.sessions.get('C111', event.event.ts)?.titles).toEqual(['New chat', 'Plan the Kafka upgrade']);
  });

  it('stops a running answer on the native Stop: model closed, note in place, what was shown stored interrupted', async () => {
    const text = longText(150);
    harness.anthropic.enqueueReply({ text, tokensPerSecond: 200 });
    const event = buildMentionEvent({ text: 'tell me everything' });
    await harness.postEvent(event);
    const start = await harness.slack.waitFor(() => harness.slack.callsTo('chat.startStream')[0]);
    const streamTs = start.response.ts as string;
    await harness.slack.waitFor(() => harness.slack.callsTo('chat.appendStream').length >= 2);
    expect(harness.slack.sessions.get('C111', event.event.ts)?.status).toBe('processing');

    const pressed = await harness.postEvent(buildSessionStoppedEvent({ channel: 'C111', threadTs: event.event.ts, streamingMessageTs: [streamTs] }));
    expect(pressed.status).toBe(200);
    const request = await harness.slack.waitFor(() => (harness.anthropic.requests[0]?.outcome === 'client_aborted' ? harness.anthropic.requests[0] : undefined));
    expect((request.text ?? '').length).toBeLessThan(text.length);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    // The stopped message itself ends with the note; nothing else was posted.
    const [stopped, ...others] = botMessagesIn(harness.slack, 'C111', event.event.ts);
    expect(others).toHaveLength(0);
    expect(stopped?.ts).toBe(streamTs);
    expect(stopped?.isStreaming).toBe(false);
    expect(stopped?.text.endsWith(`\n\n${stoppedNote}`)).toBe(true);
    const shown = stopped!.text.slice(0, -`\n\n${stoppedNote}`.length);
    expect(text.startsWith(shown)).toBe(true);
    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: [{ type: 'text', text: shown }], status: 'interrupted' });
    await harness.slack.waitFor(() => harness.slack.sessions.get('C111', event.event.ts)?.status === 'active');
  });

  it('stops a consult of the running turn too', async () => {
    harness.anthropic.enqueueReply({ blocks: [{ type: 'text', text: 'Let me check with security. ' }, { type: 'tool_use', name: 'consult_crew_member', input: { member: 'security-engineer', question: 'Is our CSP strict enough?' } }] });
    harness.anthropic.enqueueReply({ text: longText(200), tokensPerSecond: 100 });
    const event = buildMentionEvent({ text: 'is the site safe?' });
    await harness.postEvent(event);
    await harness.slack.waitFor(() => harness.anthropic.requests[1]?.outcome === 'pending');
    await new Promise((resolve) => setTimeout(resolve, 200));

    await harness.postEvent(buildSessionStoppedEvent({ channel: 'C111', threadTs: event.event.ts }));
    await harness.slack.waitFor(() => harness.anthropic.requests[1]?.outcome === 'client_aborted');
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    // The lead was not asked to go on after its consult was cut.
    expect(harness.anthropic.requests).toHaveLength(2);
    expect(botMessagesIn(harness.slack, 'C111', event.event.ts).map((message) => message.text).join('\n')).toContain(stoppedNote);
  });

  it('ignores a Stop pressed on an earlier answer’s message', async () => {
    harness.anthropic.enqueueReply({ text: 'First answer.' });
    const event = buildMentionEvent({ text: 'first question' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    const firstTs = harness.slack.callsTo('chat.startStream')[0]!.response.ts as string;

    harness.anthropic.enqueueReply({ text: longText(60), tokensPerSecond: 300 });
    await harness.postEvent(buildMentionEvent({ text: 'second question', threadTs: event.event.ts }));
    await harness.slack.waitFor(() => harness.slack.callsTo('chat.startStream').length >= 2 && harness.slack.callsTo('chat.appendStream').length >= 1);
    await harness.postEvent(buildSessionStoppedEvent({ channel: 'C111', threadTs: event.event.ts, streamingMessageTs: [firstTs] }));
    await harness.slack.waitFor(() => harness.anthropic.requests[1]?.outcome === 'completed', { timeoutMs: 8000 });
    await waitForTurnEnd(harness, (id) => id !== `C111-${event.event.ts}`);
    expect(harness.slack.threadText('C111', event.event.ts)).not.toContain(stoppedNote);
  });
});

describe('ending a session', () => {
  it('closes the session when the person replies "end session", without asking the model', async () => {
    harness.anthropic.enqueueReply({ text: 'Here is the plan.' });
    const event = buildMentionEvent({ text: 'plan the rollout' });
    await harness.postEvent(event);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);
    await harness.slack.waitFor(() => harness.slack.sessions.get('C111', event.event.ts)?.status === 'active');

    await harness.postEvent(buildMessageEvent({ channelType: 'channel', text: 'End session.', threadTs: event.event.ts }));
    await harness.slack.waitFor(() => harness.slack.sessions.get('C111', event.event.ts)?.status === 'closed');
    const note = await harness.slack.waitFor(() => harness.slack.ephemeralsFor('U222').find((message) => message.text.includes('Session ended')));
    expect(note.text).toContain('Ask again in this thread');
    expect(harness.anthropic.requests).toHaveLength(1);
  });
});

describe('agent sessions across replicas', () => {
  let other: CrewHarness | undefined;
  afterEach(async () => {
    await other?.stopCrew(500);
    other = undefined;
  });

  it('stops the answer when the Stop reaches the replica that is not running it', async () => {
    other = await harness.restart();
    const text = longText(150);
    harness.anthropic.enqueueReply({ text, tokensPerSecond: 200 });
    const event = buildMentionEvent({ text: 'tell me everything, slowly' });
    await harness.postEvent(event);
    const turnId = `C111-${event.event.ts}`;
    const started = (replica: CrewHarness) => replica.logs.some((line) => line.msg === 'turn started' && line.turnId === turnId);
    await harness.slack.waitFor(() => started(harness) || started(other!));
    const runner = started(harness) ? harness : other;
    const idle = runner === harness ? other : harness;
    await harness.slack.waitFor(() => harness.slack.callsTo('chat.appendStream').length >= 2);
    const streamTs = harness.slack.callsTo('chat.startStream')[0]!.response.ts as string;

    await idle.postEvent(buildSessionStoppedEvent({ channel: 'C111', threadTs: event.event.ts, streamingMessageTs: [streamTs] }));
    await harness.slack.waitFor(() => harness.anthropic.requests[0]?.outcome === 'client_aborted');
    await waitForTurnEnd(runner, turnId);
    expect(idle.logs.some((line) => line.msg === 'Stop pressed on an agent session; asked every replica to stop the answer')).toBe(true);
    expect(runner.logs.some((line) => line.msg === 'stopped the running answer on an agent session Stop')).toBe(true);
    const stored = await storedTurnsOf(harness.redis!, 'C111', event.event.ts);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', status: 'interrupted' });
    await harness.slack.waitFor(() => harness.slack.sessions.get('C111', event.event.ts)?.status === 'active');
  });
});

describe('when Slack refuses agent sessions', () => {
  it('answers with the thread status instead, logs the reason once, and stops asking', async () => {
    harness.slack.sessions.refuseWith('feature_not_enabled');
    const logsBefore = harness.logs.length;
    harness.anthropic.enqueueReply({ text: 'Answer one.' });
    harness.anthropic.enqueueReply({ text: 'Answer two.' });
    // Another person: the others asked enough for one minute's rate limit.
    const first = buildMentionEvent({ text: 'first', user: 'U333' });
    const second = buildMentionEvent({ text: 'second', user: 'U333' });
    await harness.postEvent(first);
    await waitForTurnEnd(harness, `C111-${first.event.ts}`);
    await harness.postEvent(second);
    const ended = await waitForTurnEnd(harness, `C111-${second.event.ts}`);
    expect(ended.msg).toBe('turn answered');

    expect(harness.slack.threadText('C111', second.event.ts)).toBe('Answer two.');
    expect(harness.slack.statusHistory('C111', first.event.ts).length).toBeGreaterThan(0);
    const refusals = harness.logs.slice(logsBefore).filter((line) => String(line.msg).startsWith('Slack refused agent sessions (feature_not_enabled)'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 'warn', code: 'feature_not_enabled', team: 'T111' });
    // One refused call, then none: the fallback holds for the workspace.
    expect(harness.slack.callsTo('agents.sessions.setStatus')).toHaveLength(1);

    // With no session to end, "end" is an ordinary follow-up.
    harness.anthropic.enqueueReply({ text: 'Ending what, exactly?' });
    await harness.postEvent(buildMessageEvent({ channelType: 'channel', text: 'end', threadTs: second.event.ts, user: 'U333' }));
    await harness.slack.waitFor(() => harness.anthropic.requests.length === 3);
  });
});
