import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { FakeSlackApi } from './fake-slack-api.js';
import { checkChannel, fail, requireArgs, str } from './fake-slack-args.js';
import type { SlackMethodHandler } from './fake-slack-args.js';
import { findViewBlockProblem } from './fake-slack-view-blocks.js';
import type { SlackArgs } from './fake-slack-types.js';

/**
 * The fake's `views.publish` and agent-view `assistant.threads.setSuggestedPrompts`, from
 * docs.slack.dev:
 *
 * - `views.publish` (no scope): `user_id` and `view` required (`view` "a JSON-encoded string";
 *   WebClient sends it so), a malformed `user_id` answers `invalid_arguments` ("invalid `user_id`"),
 *   an unknown one `user_not_found`; only `home` views; a bad view answers `invalid_arguments`
 *   naming the problem (see `fake-slack-view-blocks.ts`), one over 250 kB `view_too_large`, and a
 *   `home` view while the app's Home tab is off answers `not_enabled` — read from this repository's
 *   manifest.yml (`features.app_home.home_tab_enabled`), the app the fake stands in for.
 * - `assistant.threads.setSuggestedPrompts` (`assistant:write`): `channel_id` and `prompts` required,
 *   "up to four" prompts, each with a `title` and a `message`; optional `title`. The app is an
 *   `agent_view` app (manifest.yml): Slack says a `thread_ts` there makes the call "silently fail",
 *   so such a call answers ok and shows nothing; without it the prompts go to the latest message
 *   in the channel (a new conversation when there is none).
 *
 * What each call did is kept beside the recorded call (keyed by its args), so `reset()` forgets it
 * with the calls; read it with {@link publishedHomeOf} and {@link suggestedPromptsIn}.
 */
export const fakeSlackViewMethods: Record<string, SlackMethodHandler> = {
  'views.publish': viewsPublish,
  'assistant.threads.setSuggestedPrompts': setSuggestedPrompts,
};

/** The most a view may weigh (views.publish: `view_too_large` "greater than 250kb"). */
const maxViewBytes = 250_000;

/** A successful `assistant.threads.setSuggestedPrompts`, as a person would see it. */
export interface SuggestedPromptsRecord {
  channel: string;
  title?: string;
  prompts: Array<{ title: string; message: string }>;
  /** False when Slack ignores the call (a `thread_ts` sent by an agent_view app). */
  shown: boolean;
  /** The thread of the channel's latest message at the time (where the prompts appear); undefined: a new conversation. */
  threadTs?: string;
}

const promptRecords = new WeakMap<SlackArgs, SuggestedPromptsRecord>();
const publishedViews = new WeakMap<SlackArgs, PublishedView>();

/** A published Home view. */
export interface PublishedView {
  userId: string;
  view: { type: string; blocks: Array<Record<string, unknown>> } & Record<string, unknown>;
}

let manifestHomeTab: boolean | undefined;
function homeTabEnabled(): boolean {
  manifestHomeTab ??= Boolean(
    (parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as { features?: { app_home?: { home_tab_enabled?: boolean } } }).features?.app_home
      ?.home_tab_enabled,
  );
  return manifestHomeTab;
}

function viewsPublish(args: SlackArgs, ctx: Parameters<SlackMethodHandler>[1]) {
  const missing = requireArgs(args, ['user_id']) ?? (args['view'] === undefined || args['view'] === '' ? fail('invalid_arguments', 'missing required field: view') : undefined);
  if (missing) return missing;
  const userId = str(args, 'user_id') as string;
  if (!/^[UW][A-Z0-9]{2,}$/.test(userId)) return fail('invalid_arguments', 'invalid `user_id`');
  if (ctx.userOf(userId) === null) return fail('user_not_found');
  let view: unknown = args['view'];
  if (typeof view === 'string') {
    try {
      view = JSON.parse(view);
    } catch {
      return fail('invalid_arguments', 'view must be a JSON-encoded string [json-pointer:/view]');
    }
  }
  if (typeof view !== 'object' || view === null || Array.isArray(view)) return fail('invalid_arguments', 'must provide an object [json-pointer:/view]');
  const fields = view as Record<string, unknown>;
  if (fields['type'] !== 'home') return fail('invalid_arguments', 'must be home [json-pointer:/view/type]');
  if (JSON.stringify(view).length > maxViewBytes) return fail('view_too_large');
  if (typeof fields['private_metadata'] === 'string' && fields['private_metadata'].length > 3000) return fail('invalid_arguments', 'must be less than 3001 characters [json-pointer:/view/private_metadata]');
  if (typeof fields['callback_id'] === 'string' && fields['callback_id'].length > 255) return fail('invalid_arguments', 'must be less than 256 characters [json-pointer:/view/callback_id]');
  const problem = findViewBlockProblem(fields['blocks']);
  if (problem) return fail('invalid_arguments', problem);
  if (!homeTabEnabled()) return fail('not_enabled');
  publishedViews.set(args, { userId, view: view as PublishedView['view'] });
  const id = `V${userId.slice(1)}`;
  return {
    ok: true,
    view: { id, team_id: ctx.identity.teamId, app_id: ctx.identity.appId, bot_id: ctx.identity.botId, root_view_id: id, previous_view_id: null, hash: `${Math.floor(ctx.now() / 1000)}.${userId}`, state: { values: {} }, ...fields },
  };
}

function setSuggestedPrompts(args: SlackArgs, ctx: Parameters<SlackMethodHandler>[1]) {
  const missing = requireArgs(args, ['channel_id']);
  if (missing) return missing;
  const prompts = args['prompts'];
  if (!Array.isArray(prompts) || prompts.length === 0) return fail('invalid_arguments', 'missing required field: prompts');
  if (prompts.length > 4) return fail('invalid_arguments', 'no more than 4 items allowed [json-pointer:/prompts]');
  for (const [index, prompt] of prompts.entries()) {
    const { title, message } = (prompt ?? {}) as Record<string, unknown>;
    if (typeof title !== 'string' || title.trim() === '') return fail('invalid_arguments', `missing required field: title [json-pointer:/prompts/${index}/title]`);
    if (typeof message !== 'string' || message.trim() === '') return fail('invalid_arguments', `missing required field: message [json-pointer:/prompts/${index}/message]`);
  }
  const title = args['title'];
  if (title !== undefined && typeof title !== 'string') return fail('invalid_arguments', 'must be a string [json-pointer:/title]');
  const channel = str(args, 'channel_id') as string;
  const channelError = checkChannel(channel, ctx, false);
  if (channelError) return channelError;
  const latest = ctx.threads.inChannel(channel).at(-1);
  promptRecords.set(args, {
    channel,
    ...(title !== undefined ? { title } : {}),
    prompts: prompts as SuggestedPromptsRecord['prompts'],
    shown: args['thread_ts'] === undefined,
    ...(latest ? { threadTs: latest.threadTs ?? latest.ts } : {}),
  });
  return { ok: true };
}

/** The Home view last published for `userId` (undefined when none was). */
export function publishedHomeOf(slack: FakeSlackApi, userId: string): PublishedView | undefined {
  return slack
    .callsTo('views.publish')
    .map((call) => publishedViews.get(call.args))
    .filter((published): published is PublishedView => published?.userId === userId)
    .at(-1);
}

/** Every accepted suggested-prompts call for `channel`, oldest first. */
export function suggestedPromptsIn(slack: FakeSlackApi, channel: string): SuggestedPromptsRecord[] {
  return slack
    .callsTo('assistant.threads.setSuggestedPrompts')
    .map((call) => promptRecords.get(call.args))
    .filter((record): record is SuggestedPromptsRecord => record?.channel === channel);
}
