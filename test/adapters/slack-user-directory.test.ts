import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slackClientOptions } from '../../src/adapters/slack/create-slack-app.js';
import { createSlackUserDirectory, type SlackUserDirectoryOptions } from '../../src/adapters/slack/slack-user-directory.js';
import type { Logger } from '../../src/core/shared/ports.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.js';

interface LogLine {
  level: string;
  context: object;
  message: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (context: object, message: string) => void lines.push({ level, context, message });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

let slack: FakeSlackApi;
let client: WebClient;
let lines: LogLine[];
let clock: number;

beforeAll(async () => {
  slack = await startFakeSlackApi();
  client = new WebClient('xoxb-test-token', { ...slackClientOptions(slack.url), retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.reset();
  lines = [];
  clock = 1_000_000;
});

function directory(options: Partial<SlackUserDirectoryOptions> = {}) {
  return createSlackUserDirectory({ client, logger: recordingLogger(lines), now: () => clock, ...options });
}

const lookups = () => slack.callsTo('users.info').map((call) => call.args.user);

describe('Slack user directory (users.info, cached)', () => {
  it('reads the display name, else the real name, else the handle', async () => {
    slack.setUser('U1', { name: 'alice', realName: 'Alice Liddell', displayName: 'Alice' });
    slack.setUser('U2', { name: 'bob', realName: 'Bob Builder', displayName: '' });
    slack.setUser('U3', { name: 'carol', realName: '', displayName: '' });
    const users = directory();
    expect(await users.displayNameOf('T111', 'U1')).toBe('Alice');
    expect(await users.displayNameOf('T111', 'U2')).toBe('Bob Builder');
    expect(await users.displayNameOf('T111', 'U3')).toBe('carol');
  });

  it('caches names for the TTL and looks them up again after it', async () => {
    slack.setUser('U1', { displayName: 'Alice' });
    const users = directory({ ttlMs: 60_000 });
    await users.displayNameOf('T111', 'U1');
    slack.setUser('U1', { displayName: 'Alice R.' });
    expect(await users.displayNameOf('T111', 'U1')).toBe('Alice');
    expect(lookups()).toEqual(['U1']);
    clock += 60_001;
    expect(await users.displayNameOf('T111', 'U1')).toBe('Alice R.');
    expect(lookups()).toEqual(['U1', 'U1']);
  });

  it('keeps at most maxEntries names, dropping the least recently used', async () => {
    const users = directory({ maxEntries: 2 });
    await users.displayNameOf('T111', 'U1');
    await users.displayNameOf('T111', 'U2');
    await users.displayNameOf('T111', 'U1'); // U1 is now the most recently used
    await users.displayNameOf('T111', 'U3'); // evicts U2
    await users.displayNameOf('T111', 'U1');
    await users.displayNameOf('T111', 'U2');
    expect(lookups()).toEqual(['U1', 'U2', 'U3', 'U2']);
  });

  it('shares one call between concurrent lookups of one user, and keeps teams apart', async () => {
    slack.setUser('U1', { displayName: 'Alice' });
    const users = directory();
    const names = await Promise.all([1, 2, 3, 4, 5].map(() => users.displayNameOf('T111', 'U1')));
    expect(names).toEqual(['Alice', 'Alice', 'Alice', 'Alice', 'Alice']);
    expect(lookups()).toEqual(['U1']);
    await users.displayNameOf('T222', 'U1');
    expect(lookups()).toEqual(['U1', 'U1']);
  });

  it('gives undefined for an unknown user, logged at debug once, and does not ask again', async () => {
    slack.setUser('U404', null);
    const users = directory();
    expect(await users.displayNameOf('T111', 'U404')).toBeUndefined();
    expect(await users.displayNameOf('T111', 'U404')).toBeUndefined();
    expect(lookups()).toEqual(['U404']);
    expect(lines).toEqual([{ level: 'debug', context: { userId: 'U404', code: 'user_not_found' }, message: expect.stringContaining('showing the user id') }]);
  });

  it('does not wait on a rate limit: undefined at once, tried again after failureTtlMs', async () => {
    slack.setUser('U1', { displayName: 'Alice' });
    slack.failNext('users.info', { rateLimitedSeconds: 30 });
    const users = directory({ failureTtlMs: 5_000 });
    expect(await users.displayNameOf('T111', 'U1')).toBeUndefined();
    expect(await users.displayNameOf('T111', 'U1')).toBeUndefined();
    expect(lookups()).toEqual(['U1']);
    expect(lines.map((line) => [line.level, line.context])).toEqual([['debug', { userId: 'U1', code: 'ratelimited' }]]);
    clock += 5_001;
    expect(await users.displayNameOf('T111', 'U1')).toBe('Alice');
  });

  it('gives undefined when Slack is unreachable or too slow', async () => {
    const unreachable = new WebClient('xoxb-test-token', { ...slackClientOptions('http://127.0.0.1:1/api/'), retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const offline = createSlackUserDirectory({ client: unreachable, logger: recordingLogger(lines) });
    expect(await offline.displayNameOf('T111', 'U1')).toBeUndefined();
    slack.failNext('users.info', { delayMs: 1_000 });
    expect(await directory({ lookupTimeoutMs: 50 }).displayNameOf('T111', 'U2')).toBeUndefined();
    expect(lines.map((line) => line.level)).toEqual(['debug', 'debug']);
    expect(lines[1]?.context).toEqual({ userId: 'U2', code: 'lookup_timeout' });
  });

  it('never looks up ids that are not users (bot ids)', async () => {
    expect(await directory().displayNameOf('T111', 'B123')).toBeUndefined();
    expect(lookups()).toEqual([]);
  });
});
