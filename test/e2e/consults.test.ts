import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { textOf } from '../../src/core/model/content-block.js';
import { readToolNames, readToolResults, readToolResultText, type FakeAnthropicRequest } from '../fakes/fake-anthropic-api.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { waitForTurnEnd } from './faults-model/thread-helpers.js';
import { waitForFinishedReplies, waitForStoredTurns } from './faults/fault-test-helpers.js';
import { buildMentionEvent } from './slack-event-builders.js';

// Issue 10, point 3: a member consults another when its file allows it; the consult shows as a
// progress item, is stored with the turn, counts in usage and metrics, and failures do not stop it.

let harness: CrewHarness;
let agentsDir: string;

beforeAll(async () => {
  agentsDir = mkdtempSync(path.join(tmpdir(), 'crew-consults-'));
  const file = (name: string, extra: string, prompt: string) =>
    writeFileSync(path.join(agentsDir, `${name}.md`), `---\nname: ${name}\ndescription: The ${name}.\n${extra}---\n${prompt}\n`);
  file('lead', 'tools: Read, Agent(security-engineer)\n', 'You are the engineering lead.');
  file('security-engineer', 'tools: Agent\n', 'You are the security engineer.');
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

const systemOf = (request: FakeAnthropicRequest | undefined) => (request?.body as { system: Array<{ text: string }> }).system[0]?.text ?? '';
const consultCall = (question: string) => ({ type: 'tool_use' as const, name: 'consult_crew_member', input: { member: 'security-engineer', question } });

async function metric(pattern: RegExp): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${harness.crew.port}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? 0);
}

describe('consults between crew members', () => {
  it('asks the consulted member with its own prompt, shows the consult, stores it, and a follow-up can refer to it', async () => {
    harness.anthropic.enqueueReply({ blocks: [{ type: 'text', text: 'Let me check with security. ' }, consultCall('Are 1-hour JWTs acceptable for our API?')] });
    harness.anthropic.enqueueReply({ text: 'Use 15-minute access tokens with refresh tokens.' });
    harness.anthropic.enqueueReply({ text: 'Security Engineer says: 15-minute access tokens with refresh.' });
    const event = buildMentionEvent({ text: 'how long should our auth tokens live?' });
    await harness.postEvent(event);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    await waitForTurnEnd(harness, `C111-${event.event.ts}`);

    const [asked, consulted, continued] = harness.anthropic.requests;
    expect(systemOf(asked)).toContain('You are the engineering lead.');
    expect(readToolNames(asked!)).toEqual(['consult_crew_member']);
    // The consulted member answers with its own prompt, and is offered no tools: it cannot consult in turn.
    expect(systemOf(consulted)).toContain('You are the security engineer.');
    expect(readToolNames(consulted!)).toEqual([]);
    expect(JSON.stringify((consulted!.body as { messages: unknown }).messages)).toContain('Are 1-hour JWTs acceptable for our API?');
    expect(readToolResults(continued!).map(readToolResultText)).toEqual(['Use 15-minute access tokens with refresh tokens.']);

    expect(answer?.text).toBe('Let me check with security. Security Engineer says: 15-minute access tokens with refresh.');
    expect(answer?.tasks).toEqual([
      {
        id: expect.stringMatching(/^toolu_/),
        title: 'Consulting Security Engineer',
        status: 'complete',
        details: 'Are 1-hour JWTs acceptable for our API?',
        output: 'Use 15-minute access tokens with refresh tokens.',
      },
    ]);
    const [, stored] = await waitForStoredTurns(harness.redis!, { channelId: 'C111', threadTs: event.event.ts }, 2);
    expect(stored!.content.map((block) => block.type)).toEqual(['text', 'tool-use', 'tool-result', 'text']);
    expect(await metric(/crew_consults_total\{from="lead",to="security-engineer",outcome="answered"\} (\d+)/)).toBe(1);

    // A follow-up sees what security said.
    harness.anthropic.enqueueReply({ text: 'They said 15 minutes.' });
    const followUp = buildMentionEvent({ text: 'what did security say?', threadTs: event.event.ts });
    await harness.postEvent(followUp);
    await waitForTurnEnd(harness, `C111-${followUp.event.ts}`);
    expect(JSON.stringify((harness.anthropic.requests.at(-1)!.body as { messages: unknown }).messages)).toContain('Use 15-minute access tokens with refresh tokens.');
    expect(textOf(stored!.content)).toBe('Let me check with security. Security Engineer says: 15-minute access tokens with refresh.');
  });

  it('reports a consulted member that fails in the progress item, and the answer goes on without it', async () => {
    harness.anthropic.enqueueReply({ blocks: [consultCall('Is our CSP strict enough?')] });
    harness.anthropic.enqueueReply({ text: 'unused', fault: { status: 400, message: 'messages: invalid' } });
    harness.anthropic.enqueueReply({ text: 'I could not reach security, so here is my own view.' });
    const event = buildMentionEvent({ text: 'review our CSP' });
    await harness.postEvent(event);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    expect(answer?.text).toBe('I could not reach security, so here is my own view.');
    expect(answer?.tasks).toEqual([expect.objectContaining({ title: 'Consulting Security Engineer', status: 'error', output: 'Security Engineer could not answer' })]);
    const results = readToolResults(harness.anthropic.requests.at(-1)!);
    expect(results).toEqual([expect.objectContaining({ is_error: true })]);
    expect(await metric(/crew_consults_total\{from="lead",to="security-engineer",outcome="failed"\} (\d+)/)).toBe(1);
  });

  it('refuses a consult of a member the file does not allow, without a model call, and the model is told', async () => {
    harness.anthropic.enqueueReply({ blocks: [{ type: 'tool_use', name: 'consult_crew_member', input: { member: 'intern', question: 'Who are you?' } }] });
    harness.anthropic.enqueueReply({ text: 'Answering myself.' });
    const event = buildMentionEvent({ text: 'who should we ask?' });
    await harness.postEvent(event);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    expect(answer?.text).toBe('Answering myself.');
    expect(harness.anthropic.requests).toHaveLength(2);
    const [refused] = readToolResults(harness.anthropic.requests.at(-1)!);
    expect(refused).toMatchObject({ is_error: true });
    expect(readToolResultText(refused!)).toContain('You cannot consult "intern"');
    expect(await metric(/crew_consults_total\{from="lead",to="intern",outcome="refused"\} (\d+)/)).toBe(1);
  });


  it('a consulted member that tries to consult in turn is refused: one level deep', async () => {
    harness.anthropic.enqueueReply({ blocks: [consultCall('Should we rotate keys monthly?')] });
    // The consulted member, offered no tools, answers with a consult call anyway.
    harness.anthropic.enqueueReply({ blocks: [{ type: 'tool_use', name: 'consult_crew_member', input: { member: 'lead', question: 'What do you think?' } }] });
    harness.anthropic.enqueueReply({ text: 'Rotate quarterly; security did not weigh in.' });
    const event = buildMentionEvent({ text: 'how often should we rotate keys?' });
    await harness.postEvent(event);
    const [answer] = await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
    expect(answer?.text).toBe('Rotate quarterly; security did not weigh in.');
    // No nested consult ran: the lead asked, security replied with a call, the lead answered.
    expect(harness.anthropic.requests).toHaveLength(3);
    expect(readToolResults(harness.anthropic.requests.at(-1)!)).toEqual([expect.objectContaining({ is_error: true })]);
    expect(answer?.tasks).toEqual([expect.objectContaining({ title: 'Consulting Security Engineer', status: 'error', output: 'Security Engineer did not answer' })]);
    expect(readToolResultText(readToolResults(harness.anthropic.requests.at(-1)!)[0]!)).toContain('consults are one level deep');
    expect(await metric(/crew_consults_total\{from="lead",to="security-engineer",outcome="refused"\} (\d+)/)).toBe(1);
  });
});
