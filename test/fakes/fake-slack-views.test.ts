import { ErrorCode, WebClient, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from './fake-slack-api.js';
import { publishedHomeOf, suggestedPromptsIn } from './fake-slack-views.js';

let api: FakeSlackApi;
let client: WebClient;

beforeEach(async () => {
  api = await startFakeSlackApi({ users: { UGONE: null }, unknownChannels: ['DGONE'] });
  client = new WebClient('xoxb-test-token', { slackApiUrl: api.url, retryConfig: { retries: 0 } });
});
afterEach(async () => {
  await api.close();
});

async function slackError(call: Promise<unknown>): Promise<{ error: string; messages?: string[] }> {
  const error = (await call.then(() => undefined, (e: unknown) => e)) as WebAPIPlatformError;
  expect(error?.code).toBe(ErrorCode.PlatformError);
  return { error: error.data.error, messages: error.data.response_metadata?.messages };
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('fake views.publish', () => {
  it('publishes a home view for a user and answers with the view, as Slack documents', async () => {
    const view = { type: 'home' as const, blocks: [{ type: 'header', text: { type: 'plain_text', text: 'The crew' } }, section('hello'), { type: 'divider' }] };
    const result = await client.views.publish({ user_id: 'U222', view });
    expect(result).toMatchObject({ ok: true, view: { type: 'home', team_id: 'T111', app_id: 'A111', bot_id: 'BBOT' } });
    expect(publishedHomeOf(api, 'U222')?.view.blocks).toEqual(view.blocks);
    expect(publishedHomeOf(api, 'U333')).toBeUndefined();
  });

  it('requires user_id and view, a real user and a home view', async () => {
    const home = { type: 'home' as const, blocks: [section('x')] };
    expect(await slackError(client.apiCall('views.publish', { view: JSON.stringify(home) }))).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] missing required field: user_id'] });
    expect(await slackError(client.apiCall('views.publish', { user_id: 'U222' }))).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] missing required field: view'] });
    expect(await slackError(client.views.publish({ user_id: 'not-a-user', view: home }))).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] invalid `user_id`'] });
    expect(await slackError(client.views.publish({ user_id: 'UGONE', view: home }))).toMatchObject({ error: 'user_not_found' });
    expect(await slackError(client.apiCall('views.publish', { user_id: 'U222', view: { ...home, type: 'modal' } }))).toMatchObject({ error: 'invalid_arguments' });
    expect(await slackError(client.apiCall('views.publish', { user_id: 'U222', view: '{not json' }))).toMatchObject({ error: 'invalid_arguments' });
  });

  it('validates blocks within the Block Kit limits, naming the problem and where it is', async () => {
    const publish = (blocks: unknown[]) => slackError(client.apiCall('views.publish', { user_id: 'U222', view: { type: 'home', blocks } }));
    expect(await publish(Array.from({ length: 101 }, () => ({ type: 'divider' })))).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] must be less than 101 items [json-pointer:/view/blocks]'] });
    expect(await publish([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] must be less than 151 characters [json-pointer:/view/blocks/0/text/text]'] });
    expect((await publish([{ type: 'header', text: { type: 'mrkdwn', text: '*h*' } }])).messages?.[0]).toContain('/view/blocks/0/text/type');
    expect((await publish([section('s'.repeat(3001))])).messages?.[0]).toContain('must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]');
    expect((await publish([{ type: 'section' }])).messages?.[0]).toContain('must provide either text or fields');
    expect((await publish([section('')])).messages?.[0]).toContain('must be more than 0 characters');
    expect((await publish([{ type: 'context', elements: [] }])).messages?.[0]).toContain('/view/blocks/0/elements');
    expect((await publish([{ type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'x' } }, { type: 'divider', block_id: 'a' }])).messages?.[0]).toContain('duplicate block_id');
    const button = (action_id: string) => ({ type: 'button', action_id, text: { type: 'plain_text', text: 'Go' }, value: '2' });
    expect((await publish([{ type: 'actions', elements: [button('x'), button('x')] }])).messages?.[0]).toContain('duplicate action_id');
    expect((await publish([{ type: 'image_carousel' }])).messages?.[0]).toContain('not modelled by the fake');
  });

  it('answers view_too_large over 250 kB', async () => {
    const blocks = Array.from({ length: 90 }, () => section('x'.repeat(2900)));
    expect(await slackError(client.views.publish({ user_id: 'U222', view: { type: 'home', blocks: blocks as never } }))).toMatchObject({ error: 'view_too_large' });
  });
});

describe('fake assistant.threads.setSuggestedPrompts (agent_view app)', () => {
  const prompts = [{ title: 'Review a design', message: 'Review this design.' }];

  it('sets up to four prompts, with an optional title, on the latest message of the DM', async () => {
    await client.assistant.threads.setSuggestedPrompts({ channel_id: 'D111', title: 'Ask', prompts });
    const root = api.seedMessage('D111', { user: 'U222', text: 'hi' });
    api.seedMessage('D111', { user: 'UBOT', text: 'hello', threadTs: root });
    await client.assistant.threads.setSuggestedPrompts({ channel_id: 'D111', prompts });
    expect(suggestedPromptsIn(api, 'D111')).toEqual([
      { channel: 'D111', title: 'Ask', prompts, shown: true },
      { channel: 'D111', prompts, shown: true, threadTs: root },
    ]);
  });

  it('shows nothing for a call with thread_ts: Slack says it silently fails for agent apps', async () => {
    await client.assistant.threads.setSuggestedPrompts({ channel_id: 'D111', thread_ts: '1700000000.000100', prompts });
    expect(suggestedPromptsIn(api, 'D111')).toEqual([expect.objectContaining({ shown: false })]);
  });

  it('requires channel_id and prompts, at most four, each with a title and a message', async () => {
    const set = (args: Record<string, unknown>) => slackError(client.apiCall('assistant.threads.setSuggestedPrompts', args));
    expect(await set({ prompts })).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] missing required field: channel_id'] });
    expect(await set({ channel_id: 'D111' })).toMatchObject({ error: 'invalid_arguments', messages: ['[ERROR] missing required field: prompts'] });
    expect((await set({ channel_id: 'D111', prompts: Array.from({ length: 5 }, () => prompts[0]) })).messages?.[0]).toContain('no more than 4');
    expect((await set({ channel_id: 'D111', prompts: [{ title: 'No message' }] })).messages?.[0]).toContain('message');
    expect((await set({ channel_id: 'D111', prompts: [{ message: 'No title' }] })).messages?.[0]).toContain('title');
    expect(await set({ channel_id: 'DGONE', prompts })).toMatchObject({ error: 'channel_not_found' });
    expect(suggestedPromptsIn(api, 'D111')).toEqual([]);
  });
});
