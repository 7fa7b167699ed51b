import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../../test/helpers/test-fixtures.js';
import { loadConfig } from '../config/load-config.js';
import { loadCrewRegistry } from './load-crew-registry.js';

const environment = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'signing-secret', ANTHROPIC_API_KEY: 'sk-ant-test' };

describe('loadCrewRegistry', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'crew-registry-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writePack(count: number, extra: (index: number) => string = () => ''): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const name = `pack-agent-${String(index).padStart(3, '0')}`;
      await writeFile(path.join(dir, `${name}.md`), `---\nname: ${name}\ndescription: Agent ${index}.\n${extra(index)}---\nYou are agent ${index}.\n`);
    }
  }

  it('starts a 200-agent pack without DEFAULT_AGENT, warning once with the default it chose, in short lines', async () => {
    await writePack(200);
    const logger = createRecordingLogger();
    const registry = await loadCrewRegistry(loadConfig({ ...environment, AGENTS_DIR: dir }), logger);
    expect(registry.list()).toHaveLength(200);
    expect(registry.defaultAgent().name).toBe('pack-agent-000');
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings.map((entry) => entry.message)).toEqual([
      `DEFAULT_AGENT is not set: bare mentions and DMs go to 'pack-agent-000', the first agent in load order (${path.join(dir, 'pack-agent-000.md')}); set DEFAULT_AGENT to choose`,
    ]);
    const loaded = logger.entries.find((entry) => entry.message.startsWith('crew loaded'));
    expect(loaded?.message).toBe("crew loaded: 200 agents, default 'pack-agent-000'");
    for (const entry of logger.entries) expect(entry.message.length + JSON.stringify(entry.context).length).toBeLessThan(400);
  });

  it('refuses a DEFAULT_AGENT that names no agent with one short line and a did-you-mean', async () => {
    await writePack(200);
    const config = loadConfig({ ...environment, AGENTS_DIR: dir, DEFAULT_AGENT: 'pack-agnet-150' });
    await expect(loadCrewRegistry(config, createRecordingLogger())).rejects.toMatchObject({
      code: 'default_agent_unknown',
      message: "DEFAULT_AGENT 'pack-agnet-150' is not one of the 200 agents; did you mean 'pack-agent-150'?",
    });
  });

  it('loads an agent whose model is unknown (the model is checked and logged when models are resolved)', async () => {
    await writePack(2, (index) => (index === 1 ? 'model: sonet\n' : ''));
    const logger = createRecordingLogger();
    const registry = await loadCrewRegistry(loadConfig({ ...environment, AGENTS_DIR: dir, DEFAULT_AGENT: 'pack-agent-000' }), logger);
    expect(registry.find('pack-agent-001')?.model).toBe('sonet');
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
  });

});
