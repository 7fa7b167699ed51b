import {
  MARKDOWN_TEXT_LIMIT,
  TEXT_LIMIT,
  blocksOf,
  checkChannel,
  fail,
  requireArgs,
  str,
} from './fake-slack-args.js';
import type { SlackMethodContext, SlackMethodHandler } from './fake-slack-args.js';
import { validateMessageBlocks } from './fake-slack-blocks.js';
import type { SlackArgs, SlackResult } from './fake-slack-types.js';

interface MessageContent {
  text: string;
  blocks?: unknown[];
}

/**
 * Validates message content like Slack: one of `text`, `blocks`, `markdown_text` or `attachments`
 * (`no_text` otherwise); `markdown_text` excludes `text`/`blocks` (`markdown_text_conflict`);
 * length limits answer `msg_too_long`; a non-array `blocks` answers `invalid_blocks_format`.
 */
function contentOf(args: SlackArgs): MessageContent | SlackResult {
  const text = str(args, 'text');
  const markdown = str(args, 'markdown_text');
  const { blocks, invalid } = blocksOf(args);
  if (invalid) return fail('invalid_blocks_format', 'blocks must be an array');
  const blockProblems = validateMessageBlocks(blocks);
  if (blockProblems) return blockProblems;
  const hasAttachments = Array.isArray(args['attachments']) && args['attachments'].length > 0;
  if (!text && !markdown && !(blocks && blocks.length > 0) && !hasAttachments) return fail('no_text');
  if (markdown !== undefined && (text !== undefined || blocks !== undefined)) return fail('markdown_text_conflict');
  if (markdown !== undefined && markdown.length > MARKDOWN_TEXT_LIMIT) return fail('msg_too_long');
  if (text !== undefined && text.length > TEXT_LIMIT) return fail('msg_too_long');
  return { text: text ?? markdown ?? '', ...(blocks !== undefined ? { blocks } : {}) };
}

function isFailure(value: MessageContent | SlackResult): value is SlackResult {
  return 'ok' in value;
}

const postMessage: SlackMethodHandler = (args, ctx) => {
  const missing = requireArgs(args, ['channel']);
  if (missing) return missing;
  const channel = str(args, 'channel') as string;
  const channelError = checkChannel(channel, ctx, true);
  if (channelError) return channelError;
  const content = contentOf(args);
  if (isFailure(content)) return content;
  const threadTs = str(args, 'thread_ts');
  const username = str(args, 'username');
  const iconEmoji = str(args, 'icon_emoji');
  const message = ctx.threads.add({
    channel,
    ts: ctx.threads.nextTs(),
    ...(threadTs ? { threadTs } : {}),
    user: ctx.identity.botUserId,
    isBot: true,
    botId: ctx.identity.botId,
    parts: [content.text],
    ...(content.blocks !== undefined ? { blocks: content.blocks } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(iconEmoji !== undefined ? { iconEmoji } : {}),
    ...(args['metadata'] !== undefined ? { metadata: args['metadata'] } : {}),
    reactions: [],
    edited: false,
    deleted: false,
  });
  return {
    ok: true,
    channel,
    ts: message.ts,
    message: ctx.threads.toApiMessage(message, ctx.identity.appId, ctx.identity.teamId),
  };
};

function ownMessage(args: SlackArgs, ctx: SlackMethodContext, notOwnError: string) {
  const missing = requireArgs(args, ['channel', 'ts']);
  if (missing) return missing;
  const channel = str(args, 'channel') as string;
  const channelError = checkChannel(channel, ctx, false);
  if (channelError) return channelError;
  const message = ctx.threads.get(channel, str(args, 'ts') as string);
  if (!message) return fail('message_not_found');
  if (!message.isBot || message.botId !== ctx.identity.botId) return fail(notOwnError);
  return message;
}

const update: SlackMethodHandler = (args, ctx) => {
  const message = ownMessage(args, ctx, 'cant_update_message');
  if ('ok' in message) return message;
  const content = contentOf(args);
  if (isFailure(content)) return content;
  message.parts = [content.text];
  if (content.blocks !== undefined) message.blocks = content.blocks;
  if (args['metadata'] !== undefined) message.metadata = args['metadata'];
  message.edited = true;
  return {
    ok: true,
    channel: message.channel,
    ts: message.ts,
    text: content.text,
    message: ctx.threads.toApiMessage(message, ctx.identity.appId, ctx.identity.teamId),
  };
};

const remove: SlackMethodHandler = (args, ctx) => {
  const message = ownMessage(args, ctx, 'cant_delete_message');
  if ('ok' in message) return message;
  message.deleted = true;
  return { ok: true, channel: message.channel, ts: message.ts };
};

const postEphemeral: SlackMethodHandler = (args, ctx) => {
  const missing = requireArgs(args, ['channel', 'user']);
  if (missing) return missing;
  const channel = str(args, 'channel') as string;
  const channelError = checkChannel(channel, ctx, true);
  if (channelError) return channelError;
  const content = contentOf(args);
  if (isFailure(content)) return content;
  const messageTs = ctx.threads.nextTs();
  const threadTs = str(args, 'thread_ts');
  ctx.threads.addEphemeral({
    channel,
    user: str(args, 'user') as string,
    text: content.text,
    ...(content.blocks !== undefined ? { blocks: content.blocks } : {}),
    ...(threadTs ? { threadTs } : {}),
    messageTs,
    at: ctx.now(),
  });
  return { ok: true, message_ts: messageTs };
};

/** `chat.postMessage`, `chat.update`, `chat.delete`, `chat.postEphemeral`. */
export const fakeSlackChatMethods: Record<string, SlackMethodHandler> = {
  'chat.postMessage': postMessage,
  'chat.update': update,
  'chat.delete': remove,
  'chat.postEphemeral': postEphemeral,
};
