import type { EphemeralMessage, VisibleMessage } from '../../fakes/fake-slack-api.js';
import type { ModalInput, OpenedView } from '../../fakes/fake-slack-modals.js';
import { postSlashCommand } from '../../fakes/sign-slack-request.js';
import type { CrewHarness } from '../crew-harness.js';

/** The feedback buttons a message carries, as Slack shows them. */
export interface FeedbackButtonsShown {
  blockId: string;
  actionId: string;
  up: string;
  down: string;
}

/** The `feedback_buttons` element of a message's `context_actions` block, if any. */
export function feedbackButtonsOf(message: { blocks?: unknown[] } | undefined): FeedbackButtonsShown | undefined {
  for (const block of (message?.blocks ?? []) as Array<{ type?: string; block_id?: string; elements?: Array<Record<string, unknown>> }>) {
    if (block.type !== 'context_actions') continue;
    const element = block.elements?.find((candidate) => candidate.type === 'feedback_buttons') as
      | { action_id: string; positive_button: { value: string }; negative_button: { value: string } }
      | undefined;
    if (element) return { blockId: block.block_id ?? '', actionId: element.action_id, up: element.positive_button.value, down: element.negative_button.value };
  }
  return undefined;
}

/** The first `button` of an ephemeral's `actions` blocks with this action id, if any. */
export function ephemeralButtonOf(ephemeral: EphemeralMessage | undefined, actionId: string): { action_id: string; block_id: string; value: string; text: unknown } | undefined {
  for (const block of (ephemeral?.blocks ?? []) as Array<{ type?: string; block_id?: string; elements?: Array<Record<string, unknown>> }>) {
    if (block.type !== 'actions') continue;
    const button = block.elements?.find((element) => element.type === 'button' && element.action_id === actionId);
    if (button) return { action_id: actionId, block_id: block.block_id ?? '', value: String(button.value ?? ''), text: button.text };
  }
  return undefined;
}

let pressCounter = 0;

function nextActionTs(): string {
  pressCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(200_000 + pressCounter).padStart(6, '0')}`;
}

/** Posts an interactivity payload as Slack does: signed form body `payload=<json>`. */
function postInteraction(harness: CrewHarness, payload: unknown): Promise<{ status: number; body: string }> {
  return postSlashCommand(harness.eventsUrl, { payload: JSON.stringify(payload) }, { signingSecret: harness.signingSecret });
}

/** Fields every `block_actions` payload carries (bolt-js `BlockAction`), with a trigger the fake issued. */
function blockActionsEnvelope(harness: CrewHarness, user: string, channel: string) {
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T111' },
    api_app_id: harness.slack.identity.appId,
    token: 'verification-token',
    trigger_id: harness.slack.views.issueTrigger(user),
    team: { id: 'T111', domain: 'fake-team' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: channel.toLowerCase() },
    response_url: harness.slack.responseUrl(`press-${nextActionTs()}`),
    state: { values: {} },
  };
}

/**
 * Presses 👍 or 👎 on a message's feedback buttons: a signed `block_actions` payload whose action
 * is `{type: 'feedback_buttons', action_id, block_id, value, text, action_ts}` (bolt-js
 * `FeedbackButtonsAction`), from a message in a thread (`container` with `message_ts` and `thread_ts`).
 */
export function pressFeedback(
  harness: CrewHarness,
  press: { channel: string; threadTs: string; message: VisibleMessage; which: 'up' | 'down'; user?: string },
): Promise<{ status: number; body: string }> {
  const buttons = feedbackButtonsOf(press.message);
  if (!buttons) throw new Error(`message ${press.message.ts} has no feedback buttons`);
  const user = press.user ?? 'U222';
  return postInteraction(harness, {
    ...blockActionsEnvelope(harness, user, press.channel),
    container: { type: 'message', message_ts: press.message.ts, channel_id: press.channel, is_ephemeral: false, thread_ts: press.threadTs },
    message: { type: 'message', user: harness.slack.identity.botUserId, ts: press.message.ts, thread_ts: press.threadTs, text: press.message.text, blocks: press.message.blocks },
    actions: [
      {
        type: 'feedback_buttons',
        action_id: buttons.actionId,
        block_id: buttons.blockId,
        value: press.which === 'up' ? buttons.up : buttons.down,
        text: { type: 'plain_text', text: press.which === 'up' ? '👍' : '👎', emoji: true },
        action_ts: nextActionTs(),
      },
    ],
  });
}

/** Presses a button in an ephemeral message: Slack's payload then has an ephemeral `container` and no `message`. */
export function pressEphemeralButton(
  harness: CrewHarness,
  press: { ephemeral: EphemeralMessage; actionId: string },
): Promise<{ status: number; body: string }> {
  const button = ephemeralButtonOf(press.ephemeral, press.actionId);
  if (!button) throw new Error(`the ephemeral has no ${press.actionId} button`);
  const { channel, user } = press.ephemeral;
  return postInteraction(harness, {
    ...blockActionsEnvelope(harness, user, channel),
    container: { type: 'message', message_ts: press.ephemeral.messageTs, channel_id: channel, is_ephemeral: true, ...(press.ephemeral.threadTs ? { thread_ts: press.ephemeral.threadTs } : {}) },
    actions: [{ type: 'button', action_id: button.action_id, block_id: button.block_id, text: button.text, value: button.value, action_ts: nextActionTs() }],
  });
}

/** Submits a modal the crew opened, with what the person typed: a signed `view_submission` payload. */
export function submitModal(harness: CrewHarness, opened: OpenedView, input: ModalInput): Promise<{ status: number; body: string }> {
  return postInteraction(harness, harness.slack.views.buildSubmission(opened, input, harness.slack.identity));
}
