import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../fakes/fake-anthropic-api.js';

// Child processes start slowly on a loaded machine: spawning tests get a longer timeout.
/** Runs the real CLI entry point (`bin/crew.js` runs its compiled twin) as a process. */
function crew(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main-cli.ts', ...args],
      { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Runs a command in-process and captures what it prints. */
async function crewInProcess(args: string[], env: Record<string, string> = {}) {
  const output = { out: '', err: '' };
  const stream = (key: 'out' | 'err') =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        output[key] += chunk.toString('utf8');
        callback();
      },
    });
  const code = await runCli(args, env, { out: stream('out'), err: stream('err') });
  return { code, ...output };
}

const goodAgent = `---
name: data-modeler
description: Designs relational schemas.
---
You design schemas.
`;
const agentWithoutDescription = `---
name: half-done
---
A prompt without a description.
`;

let folders: { bad: string; empty: string };
beforeAll(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'crew-cli-'));
  folders = { bad: path.join(root, 'bad'), empty: path.join(root, 'empty') };
  await mkdir(folders.bad);
  await mkdir(folders.empty);
  await writeFile(path.join(folders.bad, 'data-modeler.md'), goodAgent);
  await writeFile(path.join(folders.bad, 'half-done.md'), agentWithoutDescription);
});
afterAll(async () => {
  await rm(path.dirname(folders.bad), { recursive: true, force: true });
});

describe('crew agents', () => {
  it('lists each agent with its model, aliases, file and status, and the default agent', async () => {
    const result = await crewInProcess(['agents']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('✔ backend-architect');
    expect(result.out).toMatch(/model: sonnet\s+aliases: architect/);
    expect(result.out).toContain('agents/backend-architect.md');
    expect(result.out).toContain('1 agent(s) loaded, 0 file problem(s) in agents; default agent: backend-architect');
  });

  it('marks a rejected file with its reason and exits 1', async () => {
    const result = await crewInProcess(['agents', folders.bad]);
    expect(result.code).toBe(1);
    expect(result.out).toContain('✔ data-modeler');
    expect(result.out).toMatch(/✘ .*half-done\.md.*description/);
  });
});

describe('crew lint', { timeout: 40_000 }, () => {
  it('exits 0 on the shipped agents folder', async () => {
    const result = await crewInProcess(['lint', 'agents']);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('ok    agents/backend-architect.md  (backend-architect)');
  });

  it('exits 1 on a folder with a bad file, naming the file and the reason', async () => {
    const result = await crew(['lint', folders.bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('(data-modeler)');
    expect(result.stderr).toMatch(/^error .*half-done\.md.*description/m);
    expect(result.stdout).toContain('1 valid, 1 problem(s)');
  });

  it('exits 1 on an empty folder and on a missing one', async () => {
    const empty = await crewInProcess(['lint', folders.empty]);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('no agent files (*.md) found');
    const missing = await crewInProcess(['lint', path.join(folders.empty, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read this folder (ENOENT');
  });
});

describe('crew ask', { timeout: 40_000 }, () => {
  let anthropic: FakeAnthropicApi;
  beforeAll(async () => {
    anthropic = await startFakeAnthropicApi();
  });
  afterAll(async () => {
    await anthropic.close();
  });
  const env = () => ({ ANTHROPIC_API_KEY: 'sk-ant-cli-test', ANTHROPIC_BASE_URL: anthropic.url });

  it('streams the agent’s answer to stdout through the same core (agent prompt, model), exit 0', async () => {
    anthropic.enqueueReply({ text: 'Model refunds as negative payments in a ledger.', tokensPerDelta: 2 });
    const result = await crew(['ask', 'architect', 'How should we model refunds?'], env());
    expect(result).toMatchObject({ code: 0, stdout: 'Model refunds as negative payments in a ledger.\n' });
    expect(result.stderr).toContain('is thinking…');
    const request = anthropic.requests.at(-1)?.body as { model: string; system: Array<{ text: string }>; messages: Array<{ content: unknown }> };
    expect(request.model).toBe('claude-sonnet-4-6');
    expect(request.system[0]?.text).toContain('Backend Systems Architect');
    expect(JSON.stringify(request.messages)).toContain('How should we model refunds?');
  });

  it('says what went wrong and exits 1 when the model refuses the key', async () => {
    anthropic.enqueueReply({ fault: { status: 401 } });
    const result = await crewInProcess(['ask', 'backend-architect', 'hello?'], env());
    expect(result.code).toBe(1);
    expect(result.out.trim()).toBe('');
    expect(result.err).toMatch(/API key|authenticat/i);
    expect(result.err).toContain('… Backend Architect is thinking…');
  });

  it('exits 2 with a did-you-mean for an unknown agent, before calling the model', async () => {
    const before = anthropic.requests.length;
    const result = await crewInProcess(['ask', 'architekt', 'hello?'], env());
    expect(result.code).toBe(2);
    expect(result.err).toContain('No agent named architekt. Did you mean');
    expect(result.err).toContain('architect');
    expect(anthropic.requests.length).toBe(before);
  });

  it('exits 2 with usage when the question is missing', async () => {
    const result = await crewInProcess(['ask', 'architect'], env());
    expect(result).toMatchObject({ code: 2, err: 'Usage: crew ask <agent> "<question>"\n' });
  });
});

/** A port on loopback where nothing listens (listened on once, then closed). */
async function findClosedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listenOnLoopback(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

// Issue 14, point 4: `crew ask` names what actually happened, against real loopback servers.
describe('crew ask diagnoses a model API that fails', { timeout: 40_000 }, () => {
  const quick = { ANTHROPIC_API_KEY: 'sk-ant-cli-test', MODEL_STALL_TIMEOUT_MS: '500', MODEL_RETRY_BUDGET_MS: '1500' };

  it('a refused connection: could not connect, with the host and "refused", not a dropped answer; exit 1', async () => {
    const port = await findClosedPort();
    const result = await crew(['ask', 'architect', 'hello?'], { ...quick, ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe('');
    expect(result.stderr).toContain('… Backend Architect is thinking…');
    expect(result.stderr).toContain(`I could not connect to Claude’s API at 127.0.0.1:${port}: the connection was refused`);
    expect(result.stderr).not.toContain('dropped before the answer');
  });

  it('a host name that does not resolve: could not connect, DNS, tried once', async () => {
    const result = await crewInProcess(['ask', 'architect', 'hello?'], { ...quick, ANTHROPIC_BASE_URL: 'http://crew-test-host.invalid' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('I could not connect to Claude’s API at crew-test-host.invalid: the host name does not resolve (DNS)');
    expect(result.err).not.toContain('retrying');
  });

  it('https to a server that speaks plain HTTP: could not connect, TLS', async () => {
    const server = createHttpServer((_request, response) => response.end('plain'));
    const port = await listenOnLoopback(server);
    try {
      const result = await crewInProcess(['ask', 'architect', 'hello?'], { ...quick, ANTHROPIC_BASE_URL: `https://127.0.0.1:${port}` });
      expect(result.code).toBe(1);
      expect(result.err).toContain(`I could not connect to Claude’s API at 127.0.0.1:${port}: the TLS handshake failed`);
    } finally {
      server.close();
    }
  });

  it('a server that accepts and never sends a byte: no first token, bounded by the retry budget, not "cut off mid-answer"', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => void sockets.push(socket));
    const port = await listenOnLoopback(server);
    try {
      const result = await crew(['ask', 'architect', 'hello?'], { ...quick, ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Claude’s API accepted the connection but did not start answering within \d+ s/);
      expect(result.stderr).toContain('no answer from Claude yet, retrying');
      expect(result.stderr).not.toContain('mid-answer');
      expect(sockets.length).toBeGreaterThanOrEqual(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it('a 404: an unknown model or a wrong base URL, naming the model, not "too long"; tried once', async () => {
    const anthropic = await startFakeAnthropicApi();
    try {
      anthropic.enqueueReply({ fault: { status: 404 } });
      const result = await crewInProcess(['ask', 'architect', 'hello?'], { ...quick, ANTHROPIC_BASE_URL: anthropic.url });
      expect(result.code).toBe(1);
      expect(result.err).toContain('answered “not found”: the model `claude-sonnet-4-6` does not exist for this key, or ANTHROPIC_BASE_URL points to the wrong place');
      expect(result.err).not.toMatch(/too long/);
      expect(anthropic.requests).toHaveLength(1);
    } finally {
      await anthropic.close();
    }
  });

  it('a 401: the key was rejected, tried once', async () => {
    const anthropic = await startFakeAnthropicApi();
    try {
      anthropic.enqueueReply({ fault: { status: 401 } });
      const result = await crew(['ask', 'architect', 'hello?'], { ...quick, ANTHROPIC_BASE_URL: anthropic.url });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Backend Architect: ⚠️ I could not reach Claude: the crew’s API key was rejected');
      expect(anthropic.requests).toHaveLength(1);
    } finally {
      await anthropic.close();
    }
  });
});
