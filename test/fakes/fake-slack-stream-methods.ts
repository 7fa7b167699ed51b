import { MARKDOWN_TEXT_LIMIT, blocksOf, checkChannel, fail, markdownOf, requireArgs, str } from './fake-slack-args.js';
import type { SlackMethodContext, SlackMethodHandler } from './fake-slack-args.js';
import { validateMessageBlocks } from './fake-slack-blocks.js';
import type { StoredMessage } from './fake-slack-threads.js';
import type { SlackArgs, SlackResult } from './fake-slack-types.js';
import { applyTasks, readChunks } from './fake-slack-chunks.js';

function tooLong(markdown: string | undefined): SlackResult | undefined {
  return markdown !== undefined && markdown.length > MARKDOWN_TEXT_LIMIT ? fail('msg_too_long') : undefined;
}

const startStream: SlackMethodHandler = (args, ctx) => {
  const missing = requireArgs(args, ['channel', 'thread_ts']);
  if (missing) return missing;
  const channel = str(args, 'channel') as string;
  const channelError = checkChannel(channel, ctx, true);
  if (channelError) return channelError;
  if (!channel.startsWith('D')) {
    if (!str(args, 'recipient_user_id')) return fail('missing_recipient_user_id');
    if (!str(args, 'recipient_team_id')) return fail('missing_recipient_team_id');
  }
  const markdown = markdownOf(args);
  const lengthError = tooLong(markdown);
  if (lengthError) return lengthError;
  const chunks = readChunks(args);
  if ('error' in chunks) return chunks.error;
  const now = ctx.now();
  const username = str(args, 'username');
  const iconEmoji = str(args, 'icon_emoji');
  const message = ctx.threads.add({
    channel,
    ts: ctx.threads.nextTs(),
    threadTs: str(args, 'thread_ts') as string,
    user: ctx.identity.botUserId,
    isBot: true,
    botId: ctx.identity.botId,
    parts: markdown !== undefined ? [markdown] : [],
    ...(username !== undefined ? { username } : {}),
    ...(iconEmoji !== undefined ? { iconEmoji } : {}),
    stream: { startedAt: now, expiresAt: now + ctx.streamLifetimeMs },
    tasks: chunks.tasks,
    reactions: [],
    edited: false,
    deleted: false,
  });
  return { ok: true, channel, ts: message.ts };
};

function openStream(args: SlackArgs, ctx: SlackMethodContext): StoredMessage | SlackResult {
  const missing = requireArgs(args, ['channel', 'ts']);
  if (missing) return missing;
  const channel = str(args, 'channel') as string;
  const channelError = checkChannel(channel, ctx, false);
  if (channelError) return channelError;
  const message = ctx.threads.get(channel, str(args, 'ts') as string);
  if (!message) return fail('message_not_found');
  const stream = message.stream;
  if (!stream) return fail('message_not_in_streaming_state');
  if (stream.stoppedByUser) return fail('stopped_by_user');
  if (stream.stoppedAt !== undefined || ctx.now() >= stream.expiresAt) {
    return fail('message_not_in_streaming_state');
  }
  return message;
}

const appendStream: SlackMethodHandler = (args, ctx) => {
  const message = openStream(args, ctx);
  if ('ok' in message) return message;
  const markdown = markdownOf(args);
  const chunks = readChunks(args);
  if ('error' in chunks) return chunks.error;
  // Either markdown_text or chunks is required.
  if (markdown === undefined && args['chunks'] === undefined) return fail('invalid_arguments', 'missing required field: markdown_text or chunks');
  const lengthError = tooLong(markdown);
  if (lengthError) return lengthError;
  if (markdown !== undefined) message.parts.push(markdown);
  applyTasks((message.tasks ??= []), chunks.tasks);
  return { ok: true, channel: message.channel, ts: message.ts };
};

const stopStream: SlackMethodHandler = (args, ctx) => {
  const message = openStream(args, ctx);
  if ('ok' in message) return message;
  const markdown = markdownOf(args);
  const lengthError = tooLong(markdown);
  if (lengthError) return lengthError;
  const { blocks, invalid } = blocksOf(args);
  if (invalid) return fail('invalid_blocks_format', 'blocks must be an array');
  const blockProblems = validateMessageBlocks(blocks);
  if (blockProblems) return blockProblems;
  if (markdown !== undefined) message.parts.push(markdown);
  if (blocks !== undefined) message.blocks = blocks;
  if (args['metadata'] !== undefined) message.metadata = args['metadata'];
  (message.stream as NonNullable<StoredMessage['stream']>).stoppedAt = ctx.now();
  ctx.sessions.streamStopped(message.channel, message.threadTs, ctx.now());
  return {
    ok: true,
    channel: message.channel,
    ts: message.ts,
    message: ctx.threads.toApiMessage(message, ctx.identity.appId, ctx.identity.teamId),
  };
};

/**
 * Slack's text streaming (`chat.startStream` / `appendStream` / `stopStream`).
 *
 * Rules the fake enforces (as Slack does):
 * - start needs `channel` + `thread_ts`; outside DMs (channel ids not starting with `D`) it also
 *   needs `recipient_user_id` and `recipient_team_id` (`missing_recipient_user_id` / `…team_id`);
 * - markdown per call (`markdown_text` plus `markdown_text` chunks) ≤ 12,000 chars (`msg_too_long`);
 * - `chunks` as Slack checks them (see `readChunks`); `task_update` chunks become the message's task cards;
 * - append needs `markdown_text` or `chunks`;
 * - append/stop only on a message started by `chat.startStream` that is still open: after stop,
 *   or `streamLifetimeMs` after start, they answer `message_not_in_streaming_state`; after the
 *   user pressed Stop (`api.pressStop(ts)`) they answer `stopped_by_user`.
 *
 * Handlers for `chat.startStream`, `chat.appendStream`, `chat.stopStream`.
 */
export const fakeSlackStreamMethods: Record<string, SlackMethodHandler> = {
  'chat.startStream': startStream,
  'chat.appendStream': appendStream,
  'chat.stopStream': stopStream,
};
