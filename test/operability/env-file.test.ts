import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentSchema } from '../../src/config/config-schema.js';
import { loadEnvFile } from '../../src/config/load-env-file.js';

// Issue 14, point 3: `npm start` reads a `.env` file when present; `.env.example` matches the code.
const repository = process.cwd();
const tsxLoader = pathToFileURL(path.join(repository, 'node_modules/tsx/dist/loader.mjs')).href;

/** Runs `src/main.ts --check` (what `npm start -- --check` runs, uncompiled) in `cwd`. */
function runCheck(cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', tsxLoader, path.join(repository, 'src/main.ts'), '--check'],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the .env file', { timeout: 40_000 }, () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'crew-env-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('is read by the start command when present: the three secrets from .env are enough', async () => {
    await writeFile(
      path.join(folder, '.env'),
      ['# from the quick start', 'SLACK_BOT_TOKEN=xoxb-from-env-file', 'SLACK_SIGNING_SECRET="signing secret"', 'ANTHROPIC_API_KEY=sk-ant-from-env-file', `AGENTS_DIR=${path.join(repository, 'agents')}`, ''].join('\n'),
    );
    const result = await runCheck(folder);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✔ configuration (http mode, store: memory');
    expect(result.stdout).toContain('✔ agents: backend-architect');
  });

  it('never overrides the real environment, and its absence is no error', async () => {
    const withFile = await runCheck(folder, { SLACK_APP_TOKEN: 'xapp-from-environment' });
    expect(withFile.stdout).toContain('✔ configuration (socket mode');
    await rm(path.join(folder, '.env'));
    const without = await runCheck(folder);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('SLACK_BOT_TOKEN');
    expect(without.stderr).not.toMatch(/\.env|ENOENT/);
  });

  it('loadEnvFile sets only unset names and returns their names, not values', async () => {
    const file = path.join(folder, 'unit.env');
    await writeFile(file, 'export A=from-file\nB=from-file # note\n');
    const environment: Record<string, string | undefined> = { B: 'real' };
    expect(loadEnvFile(file, environment)).toEqual(['A']);
    expect(environment).toEqual({ A: 'from-file', B: 'real' });
    expect(loadEnvFile(path.join(folder, 'missing.env'), environment)).toEqual([]);
  });
});

describe('.env.example', () => {
  it('names only variables the code reads, shows the code’s defaults, and leaves REDIS_URL commented out', async () => {
    const text = await readFile(path.join(repository, '.env.example'), 'utf8');
    const known = new Set(Object.keys(environmentSchema.shape));
    const defaults = environmentSchema.parse({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 'x', ANTHROPIC_API_KEY: 'sk-ant-x' });
    for (const line of text.split('\n')) {
      const match = /^#?\s?([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
      if (!match) continue;
      const [, name = '', value = ''] = match;
      expect(known, `${name} is not a setting the code reads`).toContain(name);
      const fallback = (defaults as Record<string, unknown>)[name];
      // A commented line shows the default; an active line is either empty (to fill in) or the default.
      if (line.startsWith('#') && fallback !== undefined && value !== '' && !/_IDS$|_BUDGET$|_BURST$/.test(name)) {
        expect(`${name}=${value}`).toBe(`${name}=${String(fallback)}`);
      }
    }
    expect(text).toMatch(/^# REDIS_URL=redis:\/\/localhost:6379$/m);
    expect(text).not.toMatch(/^REDIS_URL=/m);
  });
});
