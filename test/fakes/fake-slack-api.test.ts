import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isValidSlackRequest } from '@slack/bolt';
import { LogLevel, SocketModeClient } from '@slack/socket-mode';
import { ErrorCode, WebClient } from '@slack/web-api';
import type { Logger, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebClientOptions } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlackApi } from './fake-slack-api.js';
import type { FakeSlackApi } from './fake-slack-api.js';
import { buildEventCallback, loadSlackPayload, postSlackEvent, postSlashCommand, signSlackRequest } from './sign-slack-request.js';

const BOT_TOKEN = 'xoxb-test-token';
const APP_TOKEN = 'xapp-test-token';

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

let api: FakeSlackApi;

function client(options: WebClientOptions = {}, token = BOT_TOKEN): WebClient {
  return new WebClient(token, { slackApiUrl: api.url, logger: silentLogger, retryConfig: { retries: 0 }, ...options });
}

async function platformError(promise: Promise<unknown>): Promise<WebAPIPlatformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((error as WebAPIPlatformError).code).toBe(ErrorCode.PlatformError);
  return error as WebAPIPlatformError;
}

beforeEach(async () => {
  api = await startFakeSlackApi({ botToken: BOT_TOKEN, appToken: APP_TOKEN, unknownChannels: ['CGONE'] });
});

afterEach(async () => {
  await api.close();
});

describe('fake Slack Web API', () => {
  it('authenticates like Slack and answers auth.test with the bot identity', async () => {
    expect(await client().auth.test()).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T111' });
    expect((await platformError(client({}, '').auth.test())).data.error).toBe('not_authed');
    expect((await platformError(client({}, 'xoxb-wrong').auth.test())).data.error).toBe('invalid_auth');
    expect((await platformError(client({}, APP_TOKEN).auth.test())).data.error).toBe('not_allowed_token_type');
    expect((await platformError(client().apiCall('apps.connections.open'))).data.error).toBe('not_allowed_token_type');
    expect(api.calls.map((c) => c.method)).toEqual([...Array<string>(4).fill('auth.test'), 'apps.connections.open']);
  });

  it('posts messages with unique increasing ts and decodes JSON-encoded form fields', async () => {
    const web = client();
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*hi*' } }];
    const first = await web.chat.postMessage({ channel: 'C1', text: 'hello', blocks, username: 'Architect', icon_emoji: ':building:' });
    const second = await web.chat.postMessage({ channel: 'C1', thread_ts: first.ts as string, text: 'reply' });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(first.message).toMatchObject({ text: 'hello', bot_id: 'BBOT', user: 'UBOT' });
    expect(api.callsTo('chat.postMessage')[0]?.args['blocks']).toEqual(blocks);
    expect(api.messagesIn('C1', first.ts)).toMatchObject([
      { text: 'hello', username: 'Architect', iconEmoji: ':building:', isBot: true, user: 'UBOT' },
      { text: 'reply', threadTs: first.ts },
    ]);
    expect(api.threadText('C1', first.ts as string)).toBe('hello\nreply');
  });

  it('answers Slack error codes for bad calls', async () => {
    const web = client();
    expect((await platformError(web.apiCall('chat.nope'))).data.error).toBe('unknown_method');
    expect((await platformError(web.apiCall('chat.postMessage', { text: 'x' }))).data.error).toBe('invalid_arguments');
    expect((await platformError(web.apiCall('chat.postMessage', { channel: 'C1' }))).data.error).toBe('no_text');
    expect((await platformError(web.chat.postMessage({ channel: 'CGONE', text: 'x' }))).data.error).toBe('channel_not_found');
    api.removeBotFrom('C2');
    expect((await platformError(web.chat.postMessage({ channel: 'C2', text: 'x' }))).data.error).toBe('not_in_channel');
    expect((await platformError(web.chat.update({ channel: 'C1', ts: '1.000001', text: 'x' }))).data.error).toBe('message_not_found');
    expect(api.calls.every((c) => c.httpStatus === 200)).toBe(true);
  });

  it('requires stream recipients outside DMs and surfaces them as platform errors', async () => {
    const web = client();
    const noUser = await platformError(web.chat.startStream({ channel: 'C1', thread_ts: '1700000000.000001' }));
    expect(noUser.data.error).toBe('missing_recipient_user_id');
    const noTeam = await platformError(
      web.chat.startStream({ channel: 'C1', thread_ts: '1700000000.000001', recipient_user_id: 'U1' }),
    );
    expect(noTeam.data.error).toBe('missing_recipient_team_id');
    const dm = await web.chat.startStream({ channel: 'D1', thread_ts: '1700000000.000001' });
    expect(dm).toMatchObject({ ok: true, channel: 'D1' });
    const long = web.chat.startStream({ channel: 'D1', thread_ts: '1700000000.000001', markdown_text: 'x'.repeat(12_001) });
    expect((await platformError(long)).data.error).toBe('msg_too_long');
  });

  it('streams start + appends + stop into one visible message', async () => {
    const web = client();
    const root = api.seedMessage('C1', { user: 'U1', text: 'question' });
    const recipient = { recipient_user_id: 'U1', recipient_team_id: 'T111' };
    const start = await web.chat.startStream({ channel: 'C1', thread_ts: root, markdown_text: 'Hel', ...recipient });
    await web.chat.appendStream({ channel: 'C1', ts: start.ts as string, markdown_text: 'lo ' });
    expect(api.messagesIn('C1', root)[1]).toMatchObject({ text: 'Hello ', isStreaming: true });
    await web.chat.stopStream({ channel: 'C1', ts: start.ts as string, markdown_text: 'world' });
    expect(api.messagesIn('C1', root)).toMatchObject([
      { text: 'question', isBot: false, user: 'U1' },
      { text: 'Hello world', isStreaming: false, isBot: true },
    ]);
    const again = web.chat.appendStream({ channel: 'C1', ts: start.ts as string, markdown_text: '!' });
    expect((await platformError(again)).data.error).toBe('message_not_in_streaming_state');

    // WebClient's own ChatStreamer sends `chunks` instead of markdown_text.
    const streamer = web.chatStream({ channel: 'C1', thread_ts: root, buffer_size: 4, ...recipient });
    await streamer.append({ markdown_text: 'chunked ' });
    await streamer.append({ markdown_text: 'text' });
    await streamer.stop();
    expect(api.messagesIn('C1', root)[2]).toMatchObject({ text: 'chunked text', isStreaming: false });
  });

  it('expires streams and honours the Stop button', async () => {
    await api.close();
    api = await startFakeSlackApi({ streamLifetimeMs: 50 });
    const web = client();
    const a = await web.chat.startStream({ channel: 'D1', thread_ts: '1700000000.000001', markdown_text: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const expired = web.chat.appendStream({ channel: 'D1', ts: a.ts as string, markdown_text: 'b' });
    expect((await platformError(expired)).data.error).toBe('message_not_in_streaming_state');
    expect(api.messagesIn('D1')[0]).toMatchObject({ text: 'a', isStreaming: false });

    const b = await web.chat.startStream({ channel: 'D1', thread_ts: '1700000000.000001', markdown_text: 'b' });
    api.pressStop(b.ts as string);
    const stopped = web.chat.appendStream({ channel: 'D1', ts: b.ts as string, markdown_text: 'c' });
    expect((await platformError(stopped)).data.error).toBe('stopped_by_user');
    const stop = web.chat.stopStream({ channel: 'D1', ts: b.ts as string });
    expect((await platformError(stop)).data.error).toBe('stopped_by_user');
  });

  it('rate limits with 429 + Retry-After, which WebClient honours or rejects', async () => {
    api.failNext('chat.postMessage', { rateLimitedSeconds: 1 });
    const retrying = client({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const started = Date.now();
    await retrying.chat.postMessage({ channel: 'C1', text: 'after wait' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.callsTo('chat.postMessage').map((c) => c.httpStatus)).toEqual([429, 200]);

    api.failNext('chat.postMessage', { rateLimitedSeconds: 7 });
    const rejecting = client({ rejectRateLimitedCalls: true });
    const error = (await rejecting.chat.postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e)) as WebAPIRateLimitedError;
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
  });

  it('scripts HTTP errors, platform errors and delays', async () => {
    const web = client();
    api.failNext('chat.postMessage', { httpStatus: 500 });
    const http = (await web.chat.postMessage({ channel: 'C1', text: 'x' }).catch((e: unknown) => e)) as WebAPIHTTPError;
    expect(http.code).toBe(ErrorCode.HTTPError);
    expect(http.statusCode).toBe(500);
    api.failNext('*', { error: 'fatal_error' }, 2);
    expect((await platformError(web.auth.test())).data.error).toBe('fatal_error');
    expect((await platformError(web.chat.postMessage({ channel: 'C1', text: 'x' }))).data.error).toBe('fatal_error');
    api.failNext('auth.test', { delayMs: 60 });
    const started = Date.now();
    await web.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('serves thread history, ephemerals, statuses, reactions and response URLs', async () => {
    const web = client();
    api.seedThread('C1', '1600000000.000100', [
      { user: 'U1', text: 'root' },
      { user: 'U2', text: 'one' },
      { user: 'U1', text: 'two' },
    ]);
    await web.chat.postMessage({ channel: 'C1', thread_ts: '1600000000.000100', text: 'bot' });
    const texts: string[] = [];
    for await (const page of web.paginate('conversations.replies', { channel: 'C1', ts: '1600000000.000100', limit: 3 })) {
      texts.push(...((page as { messages?: Array<{ text: string }> }).messages ?? []).map((m) => m.text));
    }
    expect(texts).toEqual(['root', 'one', 'two', 'bot']);
    const missing = web.conversations.replies({ channel: 'C1', ts: '1234.000001' });
    expect((await platformError(missing)).data.error).toBe('thread_not_found');

    await web.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(api.ephemeralsFor('U1')).toMatchObject([{ text: 'only you', channel: 'C1' }]);
    await web.assistant.threads.setStatus({ channel_id: 'D1', thread_ts: '1.000001', status: 'is thinking…' });
    await web.assistant.threads.setStatus({ channel_id: 'D1', thread_ts: '1.000001', status: '' });
    expect(api.statusHistory('D1', '1.000001').map((s) => s.status)).toEqual(['is thinking…', '']);
    await web.reactions.add({ channel: 'C1', timestamp: '1600000000.000100', name: 'eyes' });
    expect((await platformError(web.reactions.add({ channel: 'C1', timestamp: '1600000000.000100', name: 'eyes' }))).data.error).toBe(
      'already_reacted',
    );
    expect(api.messagesIn('C1', '1600000000.000100')[0]?.reactions).toEqual(['eyes']);

    const response = await fetch(api.responseUrl('cmd-1'), { method: 'POST', body: JSON.stringify({ text: 'done' }) });
    expect(response.status).toBe(200);
    expect(api.responsesTo('cmd-1')).toMatchObject([{ body: { text: 'done' } }]);
  });

  it('answers users.info in the documented shape, with user_not_found for unknown users', async () => {
    api.setUser('U301', { name: 'alice', realName: 'Alice Liddell', displayName: 'Alice' });
    api.setUser('U302', { name: 'bob', realName: 'Bob Builder', displayName: '' });
    api.setUser('U999', null);
    const web = client();
    const alice = await web.users.info({ user: 'U301' });
    expect(alice).toMatchObject({
      ok: true,
      user: {
        id: 'U301',
        team_id: 'T111',
        name: 'alice',
        deleted: false,
        real_name: 'Alice Liddell',
        is_bot: false,
        profile: { display_name: 'Alice', display_name_normalized: 'Alice', real_name: 'Alice Liddell', team: 'T111' },
      },
    });
    // A person who never set a display name: Slack sends it empty.
    expect((await web.users.info({ user: 'U302' })).user?.profile?.display_name).toBe('');
    expect((await web.users.info({ user: 'UBOT' })).user).toMatchObject({ is_bot: true, profile: { bot_id: 'BBOT' } });
    expect((await platformError(web.users.info({ user: 'U999' }))).data.error).toBe('user_not_found');
    expect((await platformError(web.users.info({ user: 'B123' }))).data.error).toBe('user_not_found');
    expect((await platformError(web.apiCall('users.info', {}))).data.error).toBe('invalid_arguments');
    api.reset();
    expect((await web.users.info({ user: 'U999' })).user?.profile?.display_name).toBe('u999');
  });

  it('waitFor resolves with the value and dumps recent calls on timeout', async () => {
    await client().chat.postMessage({ channel: 'C1', text: 'hi' });
    expect(await api.waitFor(() => api.messagesIn('C1')[0])).toMatchObject({ text: 'hi' });
    const failure = await api.waitFor(() => false, { timeoutMs: 30 }).catch((e: Error) => e.message);
    expect(failure).toContain('chat.postMessage');
    expect(failure).toContain('"channel":"C1"');
  });
});

describe('fake Slack file hosting', () => {
  it('serves a shared file at its private URL only with the bot token: the sign-in page without it, 404 once deleted', async () => {
    const file = api.files.add({ name: 'schema.sql', mimetype: 'text/plain', filetype: 'sql', content: 'CREATE TABLE t (id int);' });
    expect(file).toMatchObject({ name: 'schema.sql', mimetype: 'text/plain', filetype: 'sql', size: 24, mode: 'hosted' });
    const url = file.url_private_download as string;
    expect(url.startsWith(api.origin)).toBe(true);

    const withToken = await fetch(url, { headers: { authorization: `Bearer ${BOT_TOKEN}` } });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toBe('CREATE TABLE t (id int);');

    const without = await fetch(url);
    expect(without.status).toBe(200);
    expect(without.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await without.text()).toContain('Sign in');
    const wrong = await fetch(url, { headers: { authorization: 'Bearer xoxb-someone-else' } });
    expect(await wrong.text()).toContain('Sign in');

    api.files.remove(file.id as string);
    expect((await fetch(url, { headers: { authorization: `Bearer ${BOT_TOKEN}` } })).status).toBe(404);
    expect(api.files.downloads.map((download) => download.authorized)).toEqual([true, false, false, true]);
  });
});

describe('fake Socket Mode', () => {
  it('lets the real SocketModeClient connect, receive envelopes, ack them and disconnect', async () => {
    const socketClient = new SocketModeClient({
      appToken: APP_TOKEN,
      logger: silentLogger,
      clientOptions: { slackApiUrl: api.url },
    });
    socketClient.on('app_mention', async ({ ack }: { ack: () => Promise<void> }) => {
      await ack();
    });
    socketClient.on('slash_commands', async ({ ack, body }: { ack: (r: object) => Promise<void>; body: { text: string } }) => {
      await ack({ text: `echo ${body.text}` });
    });
    await socketClient.start();
    await api.socketConnected();
    expect(api.socketConnectionCount()).toBe(1);
    expect(api.callsTo('apps.connections.open')[0]?.token).toBe(APP_TOKEN);

    const envelope = loadSlackPayload<{ payload: { event: { channel: string; ts: string } } }>(
      'socket_mode_envelope_app_mention.json',
    );
    const ack = await api.sendSocketEvent(envelope.payload, { type: 'events_api' });
    expect(ack.envelope_id).toBe(api.socketEnvelopes[0]?.envelopeId);
    expect(ack.payload).toEqual({});
    expect(api.messagesIn('C111')).toMatchObject([{ ts: '1610241741.000200', user: 'U222', isBot: false }]);

    const slash = await api.sendSocketEvent({ command: '/crew', text: 'hello' }, { type: 'slash_commands' });
    expect(slash.payload).toEqual({ text: 'echo hello' });

    await socketClient.disconnect();
    await api.waitFor(() => api.socketConnectionCount() === 0);
  });

  it('keeps the connection alive across client and server pings', async () => {
    await api.close();
    api = await startFakeSlackApi({ socketPingIntervalMs: 50 });
    const socketClient = new SocketModeClient({
      appToken: APP_TOKEN,
      logger: silentLogger,
      clientPingTimeout: 300,
      serverPingTimeout: 200,
      clientOptions: { slackApiUrl: api.url },
    });
    await socketClient.start();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(api.socketConnectionCount()).toBe(1);
    expect(api.callsTo('apps.connections.open')).toHaveLength(1);
    await socketClient.disconnect();
  });
});

describe('signed Slack requests', () => {
  it('signs bodies the way Bolt verifies them and posts events and slash commands', async () => {
    const secret = 'shhh';
    const body = JSON.stringify(buildEventCallback({ type: 'app_mention', channel: 'C1', ts: '1.000001' }, { teamId: 'T111', eventId: 'Ev1', apiAppId: 'A111' }));
    const headers = signSlackRequest({ body, signingSecret: secret });
    const verify = (h: Partial<Record<'x-slack-signature' | 'x-slack-request-timestamp', string>>, raw: string) =>
      isValidSlackRequest({
        signingSecret: secret,
        body: raw,
        headers: { 'x-slack-signature': h['x-slack-signature'] ?? '', 'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']) },
      });
    expect(verify(headers, body)).toBe(true);
    expect(headers['content-type']).toBe('application/json');

    const seen: Array<{ headers: Record<string, string | undefined>; body: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers as Record<string, string | undefined>, body: Buffer.concat(chunks).toString() });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    try {
      const posted = await postSlackEvent(url, JSON.parse(body), { signingSecret: secret, retryNum: 1, retryReason: 'http_timeout' });
      expect(posted).toMatchObject({ status: 200, body: 'ok' });
      await postSlackEvent(url, body, { signingSecret: secret, badSignature: true });
      const form = loadSlackPayload<string>('slash_command_form_body.docs.txt');
      await postSlashCommand(url, form, { signingSecret: secret });
      await postSlashCommand(url, { command: '/crew', text: 'hi there' }, { signingSecret: secret });
      expect(seen.map((r) => verify(r.headers, r.body))).toEqual([true, false, true, true]);
      expect(seen[0]?.headers).toMatchObject({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
      expect(seen[2]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(seen[3]?.body).toBe('command=%2Fcrew&text=hi+there');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
