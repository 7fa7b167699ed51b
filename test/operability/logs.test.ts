import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/create-logger.js';
import { startCrewHarness, type CrewHarness } from '../e2e/crew-harness.js';
import { buildMentionEvent } from '../e2e/slack-event-builders.js';

const run = promisify(execFile);

const secrets = {
  SLACK_BOT_TOKEN: 'xoxb-ops-9f3c-bot-secret',
  ANTHROPIC_API_KEY: 'sk-ant-ops-7d2e-key-secret',
  SLACK_APP_TOKEN: 'xapp-ops-41aa-app-secret',
};
/** The harness signs requests with this secret (see crew-harness.ts). */
const harnessSigningSecret = 'test-signing-secret';

async function askAndWait(harness: CrewHarness, text: string, eventId?: string) {
  const event = buildMentionEvent({ text, ...(eventId ? { eventId } : {}) });
  await harness.postEvent(event);
  await harness.slack.waitFor(() =>
    harness.slack.messagesIn('C111', event.event.ts).some((message) => message.isBot && message.ts !== event.event.ts && !message.isStreaming),
  );
  return event;
}

/** Waits for a log line (the answer reaches Slack a moment before the turn's last line). */
async function waitForLog(harness: CrewHarness, predicate: (line: Record<string, unknown>) => boolean) {
  return harness.slack.waitFor(() => harness.logs.find(predicate));
}

describe('logs: one turn followed end to end (info level)', () => {
  let harness: CrewHarness;
  beforeAll(async () => {
    harness = await startCrewHarness({ env: { LOG_LEVEL: 'info' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('writes one JSON line per step, each with event id, team, channel, thread and turn id (and agent once known)', async () => {
    harness.anthropic.enqueueReply({ text: 'Keep a ledger table.' });
    const event = await askAndWait(harness, 'how do we track balances?', 'EvOPSTRAIL1');
    await waitForLog(harness, (line) => line.msg === 'turn answered' && line.eventId === 'EvOPSTRAIL1');

    const trail = harness.logs.filter((line) => line.eventId === 'EvOPSTRAIL1');
    expect(trail.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['question queued', 'turn started', 'first token', 'first text visible', 'turn answered']),
    );
    const ids = { eventId: 'EvOPSTRAIL1', team: 'T111', channel: 'C111', thread: event.event.ts, turnId: `C111-${event.event.ts}` };
    for (const line of trail) expect(line).toMatchObject(ids);
    for (const line of trail.filter((entry) => entry.msg !== 'question queued')) expect(line.agent).toBe('backend-architect');
    expect(trail.find((line) => line.msg === 'turn answered')).toMatchObject({ level: 'info', outcome: 'answered' });
  });

  it('logs a failed turn with its error code and the same ids', async () => {
    harness.anthropic.enqueueReply({ fault: { status: 401 } });
    const event = await askAndWait(harness, 'will this work?', 'EvOPSFAIL1');
    const failed = await waitForLog(harness, (line) => line.msg === 'turn did not complete' && line.eventId === 'EvOPSFAIL1');
    expect(failed).toMatchObject({ level: 'error', team: 'T111', channel: 'C111', thread: event.event.ts, agent: 'backend-architect', errorCode: 'model_auth_failed' });
  });

  it('never writes the question or the answer text at info', async () => {
    harness.anthropic.enqueueReply({ text: 'Platypus-shaped answer about quokkas.' });
    await askAndWait(harness, 'zebra-striped question about sharding', 'EvOPSTEXT1');
    await waitForLog(harness, (line) => line.msg === 'turn answered' && line.eventId === 'EvOPSTEXT1');
    expect(harness.rawLogs()).not.toContain('zebra-striped');
    expect(harness.rawLogs()).not.toContain('Platypus-shaped');
  });
});

describe('logs: secrets', () => {
  it('redacts tokens and keys in known fields', () => {
    let raw = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        raw += chunk.toString('utf8');
        callback();
      },
    });
    const logger = createLogger({ level: 'info', format: 'json', destination });
    logger.info(
      {
        botToken: secrets.SLACK_BOT_TOKEN,
        config: { slack: { botToken: secrets.SLACK_BOT_TOKEN, signingSecret: harnessSigningSecret, appToken: secrets.SLACK_APP_TOKEN }, anthropic: { apiKey: secrets.ANTHROPIC_API_KEY } },
        headers: { authorization: `Bearer ${secrets.SLACK_BOT_TOKEN}`, 'x-api-key': secrets.ANTHROPIC_API_KEY },
        env: { SLACK_BOT_TOKEN: secrets.SLACK_BOT_TOKEN, ANTHROPIC_API_KEY: secrets.ANTHROPIC_API_KEY },
        request: { token: secrets.SLACK_APP_TOKEN },
      },
      'something with secrets',
    );
    const line = JSON.parse(raw) as Record<string, Record<string, Record<string, string>>>;
    expect(line.botToken).toBe('[redacted]');
    expect(line.config?.slack).toEqual({ botToken: '[redacted]', signingSecret: '[redacted]', appToken: '[redacted]' });
    expect(line.config?.anthropic).toEqual({ apiKey: '[redacted]' });
    expect(line.headers).toEqual({ authorization: '[redacted]', 'x-api-key': '[redacted]' });
    expect(line.env).toEqual({ SLACK_BOT_TOKEN: '[redacted]', ANTHROPIC_API_KEY: '[redacted]' });
    expect(line.request).toEqual({ token: '[redacted]' });
    for (const value of [...Object.values(secrets), harnessSigningSecret]) expect(raw).not.toContain(value);
  });

  it('never writes the bot token, app token, signing secret or API key during real turns at debug level, errors included', async () => {
    for (const mode of ['http', 'socket'] as const) {
      const harness = await startCrewHarness({
        mode,
        redis: mode === 'http',
        env: { LOG_LEVEL: 'debug', SLACK_BOT_TOKEN: secrets.SLACK_BOT_TOKEN, ANTHROPIC_API_KEY: secrets.ANTHROPIC_API_KEY, ...(mode === 'socket' ? { SLACK_APP_TOKEN: secrets.SLACK_APP_TOKEN } : {}) },
      });
      try {
        harness.slack.failNext('assistant.threads.setStatus', { error: 'missing_scope' });
        harness.anthropic.enqueueReply({ fault: { status: 529, retryAfterMs: 10 } });
        harness.anthropic.enqueueReply({ text: 'An answer after a retry.' });
        await askAndWait(harness, 'a question with errors on the way', `EvOPSSECRET${mode}`);
        harness.anthropic.enqueueReply({ fault: { status: 401 } });
        await askAndWait(harness, 'a question the model refuses', `EvOPSSECRET2${mode}`);
        await waitForLog(harness, (line) => line.msg === 'turn did not complete');
        const raw = harness.rawLogs();
        // Debug level does log message text: the check covers the most verbose output.
        expect(raw).toContain('a question with errors on the way');
        for (const value of [...Object.values(secrets), harnessSigningSecret]) expect({ mode, leaked: raw.includes(value) }).toEqual({ mode, leaked: false });
      } finally {
        await harness.close();
      }
    }
  });
});

describe('logs: JSON to stdout', { timeout: 40_000 }, () => {
  it('keeps the last lines before process.exit, in order (shutdown and fatal errors are logged last)', async () => {
    const script = [
      "import { createLogger } from './src/adapters/logging/create-logger.ts';",
      "const logger = createLogger({ level: 'info', format: 'json' });",
      "logger.info({}, 'shutdown complete');",
      "setTimeout(() => { logger.info({}, 'exiting'); process.exit(0); }, 20);",
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 30_000 });
    const messages = stdout.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(['shutdown complete', 'exiting']);
  });
});

describe('logs: LOG_FORMAT=pretty', { timeout: 40_000 }, () => {
  it('writes human-readable lines (not JSON), still redacted', async () => {
    const script = [
      "import { createLogger } from './src/adapters/logging/create-logger.ts';",
      "const logger = createLogger({ level: 'info', format: 'pretty' });",
      `logger.info({ turnId: 'C1-1.2', botToken: '${secrets.SLACK_BOT_TOKEN}' }, 'turn answered');`,
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 30_000 });
    expect(stdout).toContain('turn answered');
    expect(stdout).toContain('C1-1.2');
    expect(stdout).toContain('[redacted]');
    expect(stdout).not.toContain(secrets.SLACK_BOT_TOKEN);
    expect(stdout).toMatch(/INFO/);
    expect(() => JSON.parse(stdout.split('\n')[0] ?? '')).toThrow();
  });
});
