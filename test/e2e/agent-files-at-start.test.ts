import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../src/core/errors.js';
import { startCrewHarness, type CrewHarness } from './crew-harness.js';

const goodAgent = `---\nname: data-modeler\ndescription: Designs schemas.\n---\nYou design schemas.\n`;
const missingDescription = `---\nname: broken-one\n---\nNo description here.\n`;
const badName = `---\nname: Bad Name!\ndescription: x\n---\nPrompt.\n`;

let folder: string | undefined;
let harness: CrewHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (folder) await rm(folder, { recursive: true, force: true });
});

async function agentsFolder(files: Record<string, string>): Promise<string> {
  folder = await mkdtemp(join(tmpdir(), 'crew-agents-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(folder, name), text);
  return folder;
}

describe('agent files when the bot starts', () => {
  it('starts with the valid agents and logs each bad file with file, field and reason', async () => {
    const dir = await agentsFolder({ 'data-modeler.md': goodAgent, 'broken-one.md': missingDescription, 'bad-name.md': badName });
    harness = await startCrewHarness({ redis: false, env: { AGENTS_DIR: dir } });
    expect(harness.crew.registry.list().map((agent) => agent.name)).toEqual(['data-modeler']);
    const rejected = harness.logs.filter((line) => String(line.msg).startsWith('agent file rejected'));
    expect(rejected).toHaveLength(2);
    expect(rejected.map((line) => line.file)).toEqual(expect.arrayContaining([join(dir, 'broken-one.md'), join(dir, 'bad-name.md')]));
    expect(rejected.find((line) => line.file === join(dir, 'broken-one.md'))?.field).toBe('description');
    expect(rejected.every((line) => line.level === 'error')).toBe(true);
  });

  it('refuses to start, with a clear reason, when no valid agent remains', async () => {
    const dir = await agentsFolder({ 'broken-one.md': missingDescription });
    const failure = await startCrewHarness({ redis: false, env: { AGENTS_DIR: dir } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(hasErrorCode(failure, 'no_agents')).toBe(true);
    expect((failure as Error).message).toContain(`No valid agent in ${dir}`);
  });
});
