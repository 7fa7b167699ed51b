import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../fakes/fake-anthropic-api.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { waitForFinishedReplies } from './faults/fault-test-helpers.js';
import { buildMentionEvent } from './slack-event-builders.js';

// Issue 10, point 1: models resolved from GET /v1/models at start, not hard-coded; a wrong
// choice in an agent file is a start-up warning naming the file, never a failure per question.

let slack: FakeSlackApi;
let anthropic: FakeAnthropicApi;
let agentsDir: string;
const harnesses: CrewHarness[] = [];

function agentFile(name: string, model: string): string {
  return `---\nname: ${name}\ndescription: The ${name}.\nmodel: ${model}\n---\nYou are the ${name}.\n`;
}

beforeAll(async () => {
  slack = await startFakeSlackApi();
  anthropic = await startFakeAnthropicApi();
  agentsDir = mkdtempSync(path.join(tmpdir(), 'crew-models-'));
  copyFileSync('agents/backend-architect.md', path.join(agentsDir, 'backend-architect.md'));
  writeFileSync(path.join(agentsDir, 'deep-thinker.md'), agentFile('deep-thinker', 'opus'));
  writeFileSync(path.join(agentsDir, 'old-timer.md'), agentFile('old-timer', 'claude-sonnet-4-6'));
  writeFileSync(path.join(agentsDir, 'typo-agent.md'), agentFile('typo-agent', 'sonet'));
});
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
  await slack.close();
  await anthropic.close();
  rmSync(agentsDir, { recursive: true, force: true });
});

async function start(): Promise<CrewHarness> {
  const harness = await startCrewHarness({ redis: false, env: { AGENTS_DIR: agentsDir, DEFAULT_AGENT: 'backend-architect' }, shared: { slack, anthropic } });
  harnesses.push(harness);
  return harness;
}

async function modelAsked(harness: CrewHarness, text: string): Promise<string> {
  harness.anthropic.enqueueReply({ text: 'Noted.' });
  const event = buildMentionEvent({ text });
  await harness.postEvent(event);
  await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
  return (harness.anthropic.requests.at(-1)?.body as { model: string }).model;
}

describe('models resolved at start', () => {
  it('resolves aliases to the newest listed model, and warns at start (naming the file) for a model the key cannot use', async () => {
    const harness = await start();
    expect(anthropic.modelsRequests.length).toBeGreaterThan(0);
    expect(await modelAsked(harness, 'deep-thinker what is the tradeoff?')).toBe('claude-opus-5-5');
    expect(await modelAsked(harness, 'how should we shard?')).toBe('claude-sonnet-5-5');
    // Wrong choices answer with the default model instead of failing.
    expect(await modelAsked(harness, 'old-timer still there?')).toBe('claude-sonnet-5-5');
    expect(await modelAsked(harness, 'typo-agent hello?')).toBe('claude-sonnet-5-5');
    const warnings = harness.logs.filter((line) => String(line.msg).startsWith('agent model:'));
    expect(warnings.map((line) => [line.file, line.msg])).toEqual(
      expect.arrayContaining([
        [path.join(agentsDir, 'old-timer.md'), 'agent model: model `claude-sonnet-4-6` is not among the models this API key can use; answering with claude-sonnet-5-5'],
        [path.join(agentsDir, 'typo-agent.md'), 'agent model: model `sonet` is not a model alias (did you mean `sonnet`?); answering with claude-sonnet-5-5'],
      ]),
    );
    expect(warnings).toHaveLength(2);
    await harness.stopCrew();
  });

  it('falls back to the built-in lineup, saying so once, when the models list cannot be read', async () => {
    anthropic.enqueueModelsFault({ status: 500 }, 5);
    const harness = await start();
    expect(harness.logs.filter((line) => String(line.msg).startsWith('could not list the models'))).toHaveLength(1);
    expect(await modelAsked(harness, 'deep-thinker and now?')).toBe('claude-opus-5-5');
    await harness.stopCrew();
  });
});
