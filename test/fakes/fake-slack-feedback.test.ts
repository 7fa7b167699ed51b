import { LogLevel, WebClient, type Logger, type WebAPIPlatformError } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFeedbackBlock } from '../../src/adapters/slack/feedback-buttons.js';
import { buildCommentModal } from '../../src/adapters/slack/feedback-comment-modal.js';
import { startFakeSlackApi, type FakeSlackApi } from './fake-slack-api.js';
import { FakeSlackViews, TRIGGER_LIFETIME_MS } from './fake-slack-modals.js';

// The fake models Slack's "Context actions block" and "Feedback buttons element" (docs.slack.dev),
// `views.open` and the `view_submission` payload, strict where Slack is.

const BOT_TOKEN = 'xoxb-test-token';
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
let web: WebClient;

beforeEach(async () => {
  api = await startFakeSlackApi({ botToken: BOT_TOKEN });
  web = new WebClient(BOT_TOKEN, { slackApiUrl: api.url, retryConfig: { retries: 0 }, logger: silentLogger });
});
afterEach(async () => {
  await api.close();
});

async function slackError(promise: Promise<unknown>): Promise<{ error: string; messages: string[] }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as WebAPIPlatformError | undefined;
  expect(error?.data?.ok).toBe(false);
  return { error: error?.data.error ?? '', messages: (error?.data.response_metadata?.messages as string[] | undefined) ?? [] };
}

const reference = { teamId: 'T111', threadTs: '1700000000.000100', turnId: 'C111-1700000000.000100', agent: 'backend-architect' };
const feedbackButtons = (overrides: Record<string, unknown> = {}) => ({
  type: 'feedback_buttons',
  action_id: 'fb',
  positive_button: { text: { type: 'plain_text', text: '👍' }, value: 'up' },
  negative_button: { text: { type: 'plain_text', text: '👎' }, value: 'down' },
  ...overrides,
});

async function startStream(): Promise<string> {
  const started = await web.apiCall('chat.startStream', { channel: 'C111', thread_ts: '1700000000.000100', recipient_user_id: 'U1', recipient_team_id: 'T111', markdown_text: 'hi' });
  return (started as { ts?: string }).ts as string;
}

describe('context_actions / feedback_buttons blocks', () => {
  it('accepts the crew\'s feedback block on chat.stopStream, chat.postMessage and chat.update, and keeps it on the message', async () => {
    const block = buildFeedbackBlock(reference);
    const ts = await startStream();
    await web.apiCall('chat.stopStream', { channel: 'C111', ts, blocks: [block] });
    expect(api.messagesIn('C111', '1700000000.000100').find((message) => message.ts === ts)?.blocks).toEqual([block]);
    const posted = await web.chat.postMessage({ channel: 'C111', thread_ts: '1700000000.000100', text: 'x', blocks: [block] as never });
    await web.chat.update({ channel: 'C111', ts: posted.ts as string, text: 'y', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y' } }, block] as never });
  });

  it('refuses a feedback_buttons element without its negative button, naming where', async () => {
    const ts = await startStream();
    const { negative_button: _dropped, ...incomplete } = feedbackButtons();
    const refused = await slackError(web.apiCall('chat.stopStream', { channel: 'C111', ts, blocks: [{ type: 'context_actions', elements: [incomplete] }] }));
    expect(refused).toEqual({ error: 'invalid_blocks', messages: ['[ERROR] missing required field: negative_button [json-pointer:/blocks/0/elements/0/negative_button]'] });
  });

  it('refuses more than 5 elements, mrkdwn button text, an empty or over-2,000-char value, and an action_id over 255 chars', async () => {
    const post = (elements: unknown[]) => web.chat.postMessage({ channel: 'C111', text: 'x', blocks: [{ type: 'context_actions', elements }] as never });
    expect((await slackError(post(Array.from({ length: 6 }, () => feedbackButtons())))).messages).toContain('[ERROR] must provide an array with no more than 5 items [json-pointer:/blocks/0/elements]');
    expect((await slackError(post([]))).error).toBe('invalid_blocks');
    const mrkdwn = feedbackButtons({ positive_button: { text: { type: 'mrkdwn', text: '*up*' }, value: 'up' } });
    expect((await slackError(post([mrkdwn]))).messages).toEqual(['[ERROR] must be plain_text [json-pointer:/blocks/0/elements/0/positive_button/text/type]']);
    const longValue = feedbackButtons({ negative_button: { text: { type: 'plain_text', text: '👎' }, value: 'x'.repeat(2001) } });
    expect((await slackError(post([longValue]))).messages).toEqual(['[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/negative_button/value]']);
    const emptyValue = feedbackButtons({ negative_button: { text: { type: 'plain_text', text: '👎' }, value: '' } });
    expect((await slackError(post([emptyValue]))).messages).toEqual(['[ERROR] must be more than 0 characters [json-pointer:/blocks/0/elements/0/negative_button/value]']);
    expect((await slackError(post([feedbackButtons({ action_id: 'a'.repeat(256) })]))).messages).toEqual(['[ERROR] must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]']);
    expect((await slackError(post([{ type: 'button', text: { type: 'plain_text', text: 'no' } }]))).messages).toEqual(['[ERROR] must be one of feedback_buttons, icon_button [json-pointer:/blocks/0/elements/0/type]']);
  });

  it('refuses the same block_id twice in one message', async () => {
    const block = buildFeedbackBlock(reference);
    const refused = await slackError(web.chat.postEphemeral({ channel: 'C111', user: 'U1', text: 'x', blocks: [block, block] as never }));
    expect(refused.messages).toEqual(['[ERROR] must be unique within the blocks [json-pointer:/blocks/1/block_id]']);
  });
});

describe('views.open', () => {
  it('opens the crew\'s comment modal for the person whose interaction issued the trigger, once', async () => {
    const trigger = api.views.issueTrigger('U222');
    const view = buildCommentModal(reference, 'C111');
    const opened = await web.views.open({ trigger_id: trigger, view: view as never });
    expect(opened.view).toMatchObject({ type: 'modal', callback_id: 'crew_feedback_comment', state: { values: {} }, team_id: 'T111' });
    expect(api.views.openedFor('U222')).toEqual([expect.objectContaining({ triggerId: trigger, view })]);
    expect((await slackError(web.views.open({ trigger_id: trigger, view: view as never }))).error).toBe('exchanged_trigger_id');
  });

  it('refuses a trigger it never issued, and checks the view: modal, title ≤ 24 plain_text chars, submit with inputs', async () => {
    const view = buildCommentModal(reference, 'C111');
    expect(await slackError(web.views.open({ trigger_id: '123.456.abc', view: view as never }))).toEqual({ error: 'invalid_arguments', messages: ['[ERROR] invalid `trigger_id`'] });
    const longTitle = { ...view, title: { type: 'plain_text', text: 'Tell us what went wrong here' } };
    expect((await slackError(web.views.open({ trigger_id: api.views.issueTrigger('U1'), view: longTitle as never }))).messages).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    const { submit: _dropped, ...withoutSubmit } = view;
    expect((await slackError(web.views.open({ trigger_id: api.views.issueTrigger('U1'), view: { ...withoutSubmit, type: 'home' } as never }))).messages).toEqual([
      '[ERROR] must be modal [json-pointer:/view/type]',
      '[ERROR] must provide submit when the view has input blocks [json-pointer:/view/submit]',
    ]);
    expect(api.views.opened).toEqual([]);
  });

  it('refuses a trigger older than 3 seconds (expired_trigger_id)', () => {
    let now = 1_000_000;
    const views = new FakeSlackViews(() => now);
    const trigger = views.issueTrigger('U1');
    now += TRIGGER_LIFETIME_MS + 1;
    const context = { identity: { teamId: 'T111', appId: 'A111', botId: 'BBOT' } } as never;
    expect(views.open({ trigger_id: trigger, view: JSON.stringify(buildCommentModal(reference, 'C111')) }, context)).toEqual({ ok: false, error: 'expired_trigger_id' });
  });

  it('builds the view_submission a submit sends: the view as opened, with what was typed in state.values', async () => {
    const trigger = api.views.issueTrigger('U222');
    await web.views.open({ trigger_id: trigger, view: buildCommentModal(reference, 'C111') as never });
    const submission = api.views.buildSubmission(api.views.opened[0]!, { crew_feedback_comment_input: { comment: 'too vague' } }, api.identity) as {
      type: string;
      user: { id: string };
      view: { callback_id: string; private_metadata: string; state: unknown };
    };
    expect(submission).toMatchObject({ type: 'view_submission', user: { id: 'U222' }, view: { callback_id: 'crew_feedback_comment' } });
    expect(submission.view.state).toEqual({ values: { crew_feedback_comment_input: { comment: { type: 'plain_text_input', value: 'too vague' } } } });
    expect(JSON.parse(submission.view.private_metadata)).toMatchObject({ c: 'C111' });
  });
});
