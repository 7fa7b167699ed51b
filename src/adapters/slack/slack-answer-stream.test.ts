import type { WebClient } from '@slack/web-api';
import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../core/shared/ports.js';
import type { ReplyTarget } from '../../core/reply/ports.js';
import { SlackAnswerStream } from './slack-answer-stream.js';

interface Call {
  method: string;
  args: Record<string, unknown>;
}

/** A WebClient stand-in: records calls; `reply` scripts an answer (or a thrown Slack error) per call. */
function scriptedClient(reply: (call: Call, index: number) => unknown = () => undefined) {
  const calls: Call[] = [];
  let ts = 0;
  const client = {
    async apiCall(method: string, args: Record<string, unknown>) {
      const call = { method, args };
      calls.push(call);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const scripted = reply(call, calls.length - 1);
      if (scripted instanceof Error) throw scripted;
      if (scripted !== undefined) return scripted;
      if (method === 'chat.startStream' || method === 'chat.postMessage') {
        ts += 1;
        return { ok: true, ts: `100.${ts}` };
      }
      return { ok: true };
    },
  };
  return { client: client as unknown as WebClient, calls };
}

function slackError(code: string): Error {
  return Object.assign(new Error(`An API error occurred: ${code}`), { code: 'slack_webapi_platform_error', data: { ok: false, error: code } });
}

const logger: Logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), child: () => logger };
const target: ReplyTarget = {
  teamId: 'T1',
  channelId: 'C1',
  threadTs: '1.0',
  recipientUserId: 'U1',
  isDirectMessage: false,
  agent: { name: 'backend-architect', displayName: 'Backend Architect' },
};

function newStream(client: WebClient, overrides: Partial<ConstructorParameters<typeof SlackAnswerStream>[0]> = {}) {
  const hooks = { onMessageStarted: vi.fn(), onStopRequested: vi.fn() };
  const stream = new SlackAnswerStream({ client, target, logger, hooks, flushIntervalMs: 50, ...overrides });
  return { stream, hooks };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const methods = (calls: Call[]) => calls.map((call) => call.method);

describe('SlackAnswerStream', () => {
  it('sends the first words at once, then batches everything pushed within the interval into one append', async () => {
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client, { flushIntervalMs: 60_000 });
    stream.push('Hello');
    await sleep(5);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'chat.startStream', args: { markdown_text: 'Hello' } });

    for (const word of [' there', ', how', ' are', ' you', '?']) stream.push(word);
    await sleep(20);
    expect(calls).toHaveLength(1); // the next batch waits for the interval (or the end)
    await stream.finish();
    // The last batch rides on the closing stop: one call fewer, no update slot to wait for.
    expect(methods(calls)).toEqual(['chat.startStream', 'chat.stopStream']);
    expect(calls[1]?.args.markdown_text).toBe(' there, how are you?');
    expect(stream.deliveredText).toBe('Hello there, how are you?');
  });

  it('pushes arriving while the first call is in flight go out together right after it, not one call each', async () => {
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client, { flushIntervalMs: 0 });
    stream.push('a');
    await sleep(0); // chat.startStream is now in flight
    expect(calls).toHaveLength(1);
    for (let index = 0; index < 20; index += 1) stream.push('b');
    await sleep(5); // the 20 pushes went out in one append once the first call came back
    await stream.finish();
    expect(methods(calls)).toEqual(['chat.startStream', 'chat.appendStream', 'chat.stopStream']);
    expect(calls[1]?.args.markdown_text).toBe('b'.repeat(20));
  });

  it('leaves no timer behind: nothing is sent after finish, and later pushes are ignored', async () => {
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client, { flushIntervalMs: 30 });
    stream.push('first');
    await sleep(5);
    stream.push(' second'); // waits on the timer
    await stream.finish({ notice: '_done_' });
    const callsAtFinish = calls.length;
    stream.push(' too late');
    await sleep(80);
    expect(calls).toHaveLength(callsAtFinish);
    expect(calls.at(-1)).toMatchObject({ method: 'chat.stopStream', args: { markdown_text: ' second\n\n_done_' } });
    expect(stream.deliveredText).toBe('first second');
  });

  it('after the person pressed Stop: aborts the model, sends nothing more to that message, and posts a short notice', async () => {
    const { client, calls } = scriptedClient((call) => (call.method === 'chat.appendStream' ? slackError('stopped_by_user') : undefined));
    const { stream, hooks } = newStream(client, { flushIntervalMs: 0 });
    stream.push('Partial ');
    await sleep(5);
    stream.push('answer');
    while (!stream.stoppedByUser) await sleep(1); // the append's stopped_by_user has landed
    expect(hooks.onStopRequested).toHaveBeenCalledTimes(1);
    expect(stream.stoppedByUser).toBe(true);
    stream.push(' more text the model produced before the abort landed');
    await stream.finish({ notice: 'ignored notice' });
    expect(methods(calls)).toEqual(['chat.startStream', 'chat.appendStream', 'chat.postMessage']);
    expect(calls.at(-1)?.args.text).toContain('Stopped');
    expect(stream.deliveredText).toBe('Partial ');
  });

  it('attaches the Retry button to the stopped stream, below the interruption notice', async () => {
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client);
    stream.push('Half an answer');
    await stream.finish({
      notice: '⚠️ _Answer interrupted_',
      retry: { turnId: 'C1-1.0', teamId: 'T1', threadTs: '1.0', question: 'why?' },
    });
    const stop = calls.at(-1);
    expect(stop?.method).toBe('chat.stopStream');
    expect(stop?.args.markdown_text).toBe('\n\n⚠️ _Answer interrupted_');
    expect(JSON.stringify(stop?.args.blocks)).toContain('"action_id":"crew_retry"');
  });

  it('with no text at all, posts the notice (and button) as a message of its own', async () => {
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client);
    await stream.showStatus('is thinking…');
    await stream.finish({ notice: '⚠️ Claude is overloaded', retry: { turnId: 't', teamId: 'T1', threadTs: '1.0', question: 'q' } });
    expect(methods(calls)).toEqual(['assistant.threads.setStatus', 'chat.postMessage']);
    expect(calls[1]?.args.text).toBe('⚠️ Claude is overloaded');
    expect(JSON.stringify(calls[1]?.args.blocks)).toContain('crew_retry');
  });

  it('never shows a status once the first words are out', async () => {
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client);
    stream.push('Answer');
    await stream.showStatus('is waiting…');
    await stream.finish();
    expect(methods(calls)).not.toContain('assistant.threads.setStatus');
  });

  it('continues in a new message when the stream expired, with the failed text re-sent', async () => {
    const { client, calls } = scriptedClient((call, index) => (call.method === 'chat.appendStream' && index === 1 ? slackError('message_not_in_streaming_state') : undefined));
    const { stream } = newStream(client, { flushIntervalMs: 0 });
    stream.push('One. ');
    await sleep(5);
    stream.push('Two.');
    await sleep(5); // its append meets the expired stream
    await stream.finish();
    expect(methods(calls)).toEqual(['chat.startStream', 'chat.appendStream', 'chat.startStream', 'chat.stopStream']);
    expect(calls[2]?.args.markdown_text).toBe('Two.');
    expect(stream.messageTs).toHaveLength(2);
    expect(stream.deliveredText).toBe('One. Two.');
  });

  it('on a fatal refusal: records the failure, aborts the model, and makes no further calls', async () => {
    const { client, calls } = scriptedClient((call) => (call.method === 'chat.startStream' ? slackError('not_in_channel') : undefined));
    const { stream, hooks } = newStream(client);
    stream.push('Hello');
    await sleep(5);
    stream.push(' world');
    await stream.finish({ notice: 'x' });
    expect(methods(calls)).toEqual(['chat.startStream']);
    expect(stream.failure).toMatchObject({ code: 'delivery_not_in_channel', details: { slackCode: 'not_in_channel', channel: 'C1', method: 'chat.startStream' } });
    expect(hooks.onStopRequested).toHaveBeenCalledTimes(1);
    expect(stream.deliveredText).toBe('');
  });

  it('rotates an old message at the next paragraph break', async () => {
    let now = 0;
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client, { flushIntervalMs: 0, maxStreamAgeMs: 1000, now: () => now });
    stream.push('Intro line');
    // Wait for the first message to exist (not a fixed sleep: a loaded machine is slower).
    while (stream.messageTs.length === 0) await sleep(1);
    now = 1500; // due for rotation
    stream.push(' continues.\n\nNext paragraph.');
    await stream.finish();
    expect(methods(calls)).toEqual(['chat.startStream', 'chat.appendStream', 'chat.stopStream', 'chat.startStream', 'chat.stopStream']);
    expect(calls[1]?.args.markdown_text).toBe(' continues.\n\n');
    expect(calls[3]?.args.markdown_text).toBe('Next paragraph.');
  });
});

describe('SlackAnswerStream at the end of an answer', () => {
  it('loses nothing when Slack expired the stream before the closing stop: the last words go to a new message with the ending', async () => {
    const { client, calls } = scriptedClient((call) => (call.method === 'chat.stopStream' ? slackError('message_not_in_streaming_state') : undefined));
    const { stream } = newStream(client, { flushIntervalMs: 60_000 });
    stream.push('First words. ');
    while (stream.messageTs.length === 0) await sleep(1);
    stream.push('The last sentence.');
    await stream.finish({ notice: '_cut at the limit_' });
    expect(methods(calls)).toEqual(['chat.startStream', 'chat.stopStream', 'chat.postMessage']);
    expect(calls[1]?.args.markdown_text).toBe('The last sentence.\n\n_cut at the limit_');
    expect(String(calls[2]?.args.text)).toContain('The last sentence.');
    expect(String(calls[2]?.args.text)).toContain('cut at the limit');
    expect(stream.deliveredText).toBe('First words. The last sentence.');
  });

  it('still appends first when the last words would not fit the closing stop', async () => {
    const { client, calls } = scriptedClient();
    const { stream } = newStream(client, { flushIntervalMs: 60_000 });
    stream.push('First words. ');
    while (stream.messageTs.length === 0) await sleep(1);
    const long = 'word '.repeat(1_500);
    stream.push(long);
    await stream.finish();
    expect(methods(calls)).toContain('chat.appendStream');
    expect(methods(calls).at(-1)).toBe('chat.stopStream');
    expect(stream.deliveredText).toBe(`First words. ${long}`);
  });
});
