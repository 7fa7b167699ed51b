import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisTurnQueue } from '../../src/adapters/redis/redis-turn-queue.js';
import { runCli } from '../../src/cli/run-cli.js';
import { createRecordingLogger, makeTurnJob, waitUntil } from '../conformance/turn-queue-conformance.js';
import { startFakeAnthropicApi, type FakeAnthropicApi } from '../fakes/fake-anthropic-api.js';
import { createRedisTestContext, testRedisUrl, type RedisTestContext } from '../helpers/redis-test-prefix.js';
import { turnQueueKeysOf } from '../helpers/turn-queue-keys.js';

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
    expect(result.out).toMatch(/model: inherit\s+aliases: architect/);
    expect(result.out).toContain('agents/backend-architect.md');
    expect(result.out).toMatch(/✔ engineering-lead\s+model: inherit\s+aliases: lead, eng-lead/);
    expect(result.out).toContain('agents/security-engineer.md');
    // Which tools the crew honours per agent (consults, web tools) and which it ignores.
    expect(result.out).toContain('    tools: runs Agent(security-engineer, sre-platform-engineer, data-engineer, frontend-architect)');
    expect(result.out).toMatch(/tools: runs .*WebSearch/);
    // The starter crew: six members, and the architect stays the default.
    expect(result.out).toContain('6 agent(s) loaded, 0 file problem(s) in agents; default agent: backend-architect');
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
    expect(result.out).toContain('ok    agents/engineering-lead.md  (engineering-lead)');
    expect(result.out).toContain('agents: 6 agents, 0 errors, 0 warnings, 0 notes');
  });

  it('exits 1 on a folder with a bad file, naming the file and the reason', async () => {
    const result = await crew(['lint', folders.bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('(data-modeler)');
    expect(result.stderr).toMatch(/^error .*half-done\.md.*description/m);
    expect(result.stdout).toContain(`${folders.bad}: 1 agent, 1 error, 0 warnings, 0 notes`);
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

describe('crew lint on packs', { timeout: 40_000 }, () => {
  const corpus = 'test/fixtures/agent-corpus';
  const pack = 'test/fixtures/agent-pack-collisions';

  it('lints the public corpus: 186 agents, 0 errors, 4 warnings (names both collections define), exit 0; --strict exits 1', async () => {
    const result = await crew(['lint', corpus]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`${corpus}: 186 agents, 0 errors, 4 warnings, 46 notes\n`);
    expect(result.stdout.match(/^warn  .*agent name '(frontend-developer|ui-designer|ai-engineer|ux-researcher)' is already used by/gm)).toHaveLength(4);
    const strict = await crewInProcess(['lint', '--strict', corpus]);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain(`${corpus}: 186 agents, 0 errors, 4 warnings, 46 notes (--strict: warnings fail)`);
  });

  it('lints a pack with collisions: the shipped agent stays, the alias is dropped, copies load once, notes are not agents, typos get a did-you-mean', async () => {
    const result = await crewInProcess(['lint', pack]);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.out).toContain(`ok    ${pack}/backend-architect.md  (backend-architect)`);
    expect(result.out).toContain(`ok    ${pack}/pack-a/architect.md  (architect)`);
    expect(result.out).toMatch(/^warn  .*\/backend-architect\.md: aliases: alias 'architect' dropped from 'backend-architect': it is the name of the agent in .*pack-a\/architect\.md/m);
    expect(result.out).toContain(`warn  ${pack}/pack-b/backend-architect.md: name: agent name 'backend-architect' is already used by ${pack}/backend-architect.md`);
    expect(result.out).toContain(`note  ${pack}/pack-b/reviewer.md: identical copy of ${pack}/pack-a/reviewer.md`);
    expect(result.out).toMatch(/^note  .*pack-a\/notes\.md: not an agent: no frontmatter, and 'notes' is a documentation file name/m);
    expect(result.out).toMatch(/^note  .*pack-b\/changelog\.md: not an agent/m);
    expect(result.out).toMatch(/^warn  .*poet\.md: model: unknown model 'sonet': .* Did you mean 'sonnet'\?$/m);
    // `fable` is a model alias (the newest Fable the key can use).
    expect(result.out).not.toMatch(/^warn  .*fabler\.md: model:/m);
    // `sonnet[1m]` is Claude Code's 1M-context suffix: accepted.
    expect(result.out).not.toMatch(/^warn  .*\/backend-architect\.md: model:/m);
    expect(result.out).toContain(
      '      honours name, description, model; ignores color (Claude Code only), permissionMode (Claude Code only), isolation (Claude Code only), hooks (Claude Code only), x-team-owner (unknown key); runs tools WebSearch; ignores tools Read, Bash (the crew does not run them)',
    );
    expect(result.out).toContain(`${pack}: 6 agents, 0 errors, 3 warnings, 4 notes\n`);
    expect((await crewInProcess(['lint', '--strict', pack])).code).toBe(1);
  });

  it('checks full model ids against --models, and prints one summary line per folder', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'crew-lint-models-'));
    const agent = (name: string, model: string) => `---\nname: ${name}\ndescription: d\nmodel: ${model}\n---\nYou are ${name}.\n`;
    await writeFile(path.join(root, 'pinned.md'), agent('pinned', 'claude-sonnet-4-6'));
    await writeFile(path.join(root, 'typo.md'), agent('typo', 'claude-sonet-4-6'));
    try {
      const trusted = await crewInProcess(['lint', root]);
      expect(trusted.out).toContain(`${root}: 2 agents, 0 errors, 0 warnings, 0 notes`);
      const checked = await crewInProcess(['lint', '--models', 'claude-sonnet-4-6,claude-opus-4-8', root, folders.bad]);
      expect(checked.code).toBe(1);
      expect(checked.out).toMatch(/^warn  .*typo\.md: model: unknown model 'claude-sonet-4-6': .* Did you mean 'claude-sonnet-4-6'\?$/m);
      expect(checked.out).not.toMatch(/pinned\.md: model:/);
      expect(checked.out).toContain(`${root}: 2 agents, 0 errors, 1 warning, 0 notes`);
      expect(checked.out).toContain(`${folders.bad}: 1 agent, 1 error, 0 warnings, 0 notes`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('crew agents on a big pack', () => {
  it('names the default it chose when DEFAULT_AGENT is not set (crew agents, crew check), and a DEFAULT_AGENT typo in one line', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'crew-big-pack-'));
    try {
      for (let index = 0; index < 200; index += 1) {
        const name = `pack-agent-${String(index).padStart(3, '0')}`;
        await writeFile(path.join(root, `${name}.md`), `---\nname: ${name}\ndescription: Agent ${index}.\n---\nYou are agent ${index}.\n`);
      }
      const result = await crewInProcess(['agents', root]);
      expect(result.code).toBe(0);
      expect(result.out).toContain(
        `200 agent(s) loaded, 0 file problem(s) in ${root}; default agent: pack-agent-000 (DEFAULT_AGENT not set: the first agent in load order)`,
      );
      const slack = { SLACK_BOT_TOKEN: 'xoxb-check', SLACK_SIGNING_SECRET: 'check-secret', ANTHROPIC_API_KEY: 'sk-ant-check', AGENTS_DIR: root };
      const check = await crewInProcess(['check'], slack);
      expect(check.code).toBe(0);
      expect(check.out).toContain('✔ agents: 200 agents (default: pack-agent-000, the first agent in load order: set DEFAULT_AGENT to choose)');
      const typo = await crewInProcess(['check'], { ...slack, DEFAULT_AGENT: 'pack-agnet-007' });
      expect(typo.code).toBe(2);
      expect(typo.err).toBe("✘ agents: DEFAULT_AGENT 'pack-agnet-007' is not one of the 200 agents; did you mean 'pack-agent-007'?\n");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
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
    // The seed names no model: it inherits the default, the newest Sonnet the key can use (the fake's list).
    expect(request.model).toBe('claude-sonnet-5-5');
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

describe('crew jobs', { timeout: 40_000 }, () => {
  let redisContext: RedisTestContext;
  let env: Record<string, string>;
  beforeAll(async () => {
    redisContext = await createRedisTestContext('cli-jobs');
    env = { REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: redisContext.prefix };
    // Real dead letters: a queue on the same prefix whose runner throws.
    const queue = createRedisTurnQueue({ redis: redisContext.redis, keyPrefix: redisContext.prefix, logger: createRecordingLogger() });
    queue.start(async (job) => {
      throw new Error(`cannot answer ${job.id}`);
    });
    await queue.enqueue(makeTurnJob('job-old', '30.1', { text: 'how do we shard the ledger?' }));
    // One after the other: the two threads' letters sit in different queue shards, listed by when they failed.
    await waitUntil('old dead', async () => (await queue.deadLetters.list()).length === 1);
    await queue.enqueue(makeTurnJob('job-new', '30.2', { text: 'what about refunds?' }));
    await waitUntil('both dead', async () => (await queue.deadLetters.list()).length === 2);
    await queue.stop(1_000);
  });
  afterAll(async () => {
    await redisContext.cleanup();
  });

  it('lists the failed jobs, newest first, with when, reason and thread but not the question', async () => {
    const result = await crew(['jobs'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('2 failed job(s), newest first:');
    expect(result.stdout.indexOf('job-new')).toBeLessThan(result.stdout.indexOf('job-old'));
    expect(result.stdout).toMatch(/^job-old {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}runner_error after 1 attempt\(s\): cannot answer job-old$/m);
    expect(result.stdout).toContain('thread T1/C1/30.1 (mention, asked by U1)');
    expect(result.stdout).not.toContain('ledger');
    expect(result.stdout).not.toContain('refunds');
  });

  it('shows the question with --verbose', async () => {
    const result = await crewInProcess(['jobs', '--verbose'], env);
    expect(result.code).toBe(0);
    expect(result.out).toContain('    question: how do we shard the ledger?');
  });

  it('requeues one job with its attempts reset and says so; an unknown id exits 1', async () => {
    const result = await crew(['jobs', 'requeue', 'job-old'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('✔ Requeued job-old in thread T1/C1/30.1');
    const listed = await crewInProcess(['jobs'], env);
    expect(listed.out).toContain('1 failed job(s)');
    expect(listed.out).not.toContain('job-old');

    const queued = await redisContext.redis.lrange(turnQueueKeysOf(redisContext.prefix).listKey('30.1'), 0, -1);
    expect(queued.map((raw) => JSON.parse(raw) as { attempt: number; job: { id: string } })).toMatchObject([{ attempt: 0, job: { id: 'job-old' } }]);

    const again = await crewInProcess(['jobs', 'requeue', 'job-old'], env);
    expect(again.code).toBe(1);
    expect(again.err).toContain('No failed job with id job-old');
  });

  it('exits 2 with a clear message without REDIS_URL, and on a usage error', async () => {
    const missing = await crewInProcess(['jobs'], {});
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('crew jobs needs REDIS_URL');
    const usage = await crewInProcess(['jobs', 'requeue'], env);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('crew jobs requeue <id>');
  });

  it('exits 1 naming the Redis it could not reach, without its password', async () => {
    const result = await crewInProcess(['jobs'], { REDIS_URL: 'redis://:hunter2@127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('✘ Redis at');
    expect(result.err).not.toContain('hunter2');
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
      // Room for a retry after the 0.5 s stall even on a loaded machine: the retry is what this checks.
      const result = await crew(['ask', 'architect', 'hello?'], { ...quick, MODEL_RETRY_BUDGET_MS: '4000', ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` });
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
      expect(result.err).toContain('answered “not found”: the model `claude-sonnet-5-5` does not exist for this key, or ANTHROPIC_BASE_URL points to the wrong place');
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
