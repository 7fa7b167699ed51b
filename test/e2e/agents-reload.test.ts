import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';
import { waitForFinishedReplies } from './faults/fault-test-helpers.js';
import { buildMentionEvent } from './slack-event-builders.js';

// Issue 14, point 3: agents are read at start; a restart picks up a changed or added agent file.

let agentsDir: string;
const harnesses: CrewHarness[] = [];

const agentFile = (name: string, prompt: string) => `---\nname: ${name}\ndescription: The ${name}.\n---\n${prompt}\n`;

beforeAll(() => {
  agentsDir = mkdtempSync(path.join(tmpdir(), 'crew-reload-'));
  writeFileSync(path.join(agentsDir, 'backend-architect.md'), agentFile('backend-architect', 'You are the architect, version one.'));
});
afterAll(async () => {
  for (const harness of harnesses.reverse()) await harness.close();
  rmSync(agentsDir, { recursive: true, force: true });
});

async function systemPromptAsked(harness: CrewHarness, text: string): Promise<string> {
  harness.anthropic.enqueueReply({ text: 'Noted.' });
  const event = buildMentionEvent({ text });
  await harness.postEvent(event);
  await waitForFinishedReplies(harness.slack, 'C111', event.event.ts);
  return (harness.anthropic.requests.at(-1)?.body as { system: Array<{ text: string }> }).system[0]?.text ?? '';
}

describe('agents are read at start', () => {
  it('keeps the files it started with while running, and a restart picks up a changed and an added agent', async () => {
    const first = await startCrewHarness({ redis: false, env: { AGENTS_DIR: agentsDir } });
    harnesses.push(first);
    expect(await systemPromptAsked(first, 'hello?')).toContain('version one');

    writeFileSync(path.join(agentsDir, 'backend-architect.md'), agentFile('backend-architect', 'You are the architect, version two.'));
    writeFileSync(path.join(agentsDir, 'sre.md'), agentFile('sre', 'You keep things running.'));
    // Still running: the files are not re-read.
    expect(await systemPromptAsked(first, 'hello again?')).toContain('version one');

    await first.stopCrew();
    const second = await first.restart();
    harnesses.push(second);
    expect(await systemPromptAsked(second, 'and now?')).toContain('version two');
    expect(await systemPromptAsked(second, 'sre is the pager quiet?')).toContain('You keep things running.');
  });
});
