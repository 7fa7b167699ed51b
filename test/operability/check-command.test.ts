import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

/** Runs `node --import tsx src/main.ts --check` with exactly `env` (plus PATH) and no stdin. */
function runCheck(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', '--check'],
      { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function captureIo() {
  const output = { out: '', err: '' };
  const stream = (key: 'out' | 'err') =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        output[key] += chunk.toString('utf8');
        callback();
      },
    });
  return { io: { out: stream('out'), err: stream('err') }, output };
}

// Stand-ins for Redis, Slack and Anthropic that only count connections: a check must make none.
let connections = 0;
let tcp: TcpServer;
let http: Server;
let goodEnv: Record<string, string>;

beforeAll(async () => {
  tcp = createTcpServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  http = createHttpServer((request, response) => {
    connections += 1;
    response.end('{}');
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  goodEnv = {
    SLACK_BOT_TOKEN: 'xoxb-check-token',
    SLACK_SIGNING_SECRET: 'check-signing-secret',
    ANTHROPIC_API_KEY: 'sk-ant-check',
    REDIS_URL: `redis://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    SLACK_API_URL: `${httpUrl}/api/`,
    ANTHROPIC_BASE_URL: httpUrl,
  };
});
afterAll(async () => {
  await new Promise((resolve) => tcp.close(resolve));
  await new Promise((resolve) => http.close(resolve));
});

describe('npm start -- --check', { timeout: 40_000 }, () => {
  it('validates config and agents, exits 0 and connects to nothing', async () => {
    const result = await runCheck(goodEnv);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('✔ configuration (http mode, store: redis-single)');
    expect(result.stdout).toContain(
      '✔ agents: backend-architect, data-engineer, engineering-lead, frontend-architect, security-engineer, sre-platform-engineer (default: backend-architect)',
    );
    expect(connections).toBe(0);
  });

  it('exits 2 naming every bad variable with a hint, never its value', async () => {
    const { ANTHROPIC_API_KEY: _omitted, ...withoutKey } = goodEnv;
    const result = await runCheck({
      ...withoutKey,
      SLACK_BOT_TOKEN: 'xapp-wrong-kind-of-token',
      PORT: 'eighty',
      // Above 2^31-1 ms: Node would fire this timer after 1 ms.
      STREAM_FLUSH_INTERVAL_MS: '4294967296',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb- (hint: OAuth & Permissions → Bot User OAuth Token)');
    expect(result.stderr).toContain('ANTHROPIC_API_KEY is required (hint: console.anthropic.com → API keys)');
    expect(result.stderr).toContain('PORT must be a whole number');
    expect(result.stderr).toContain('STREAM_FLUSH_INTERVAL_MS must be at most 60000');
    expect(result.stderr).not.toContain('xapp-wrong-kind-of-token');
    expect(connections).toBe(0);
  });

});

// `crew check` runs the same function as `--check` (src/cli/check-setup.ts), so the agent
// cases run in-process.
describe('crew check', () => {
  it('exits 0 on good config and agents', async () => {
    const good = captureIo();
    expect(await runCli(['check'], goodEnv, good.io)).toBe(0);
    expect(good.output.out).toContain('✔ agents: backend-architect');
    expect(connections).toBe(0);
  });

  it('exits 2 when the agents folder is missing or has no valid agent, naming the folder', async () => {
    const missing = captureIo();
    expect(await runCli(['check'], { ...goodEnv, AGENTS_DIR: 'no/such/folder' }, missing.io)).toBe(2);
    expect(missing.output.err).toContain('Cannot read the agents folder "no/such/folder"');

    const empty = await mkdtemp(path.join(tmpdir(), 'crew-check-'));
    try {
      const none = captureIo();
      expect(await runCli(['check'], { ...goodEnv, AGENTS_DIR: empty }, none.io)).toBe(2);
      expect(none.output.err).toContain(`no valid agent in ${empty}`);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
