import { checkChannel, fail, requireArgs, str } from './fake-slack-args.js';
import type { SlackMethodHandler } from './fake-slack-args.js';
import { fakeSlackChatMethods } from './fake-slack-chat-methods.js';
import { fakeSlackStreamMethods } from './fake-slack-stream-methods.js';
import { usersInfo } from './fake-slack-users.js';
import { fakeSlackViewMethods } from './fake-slack-views.js';

const authTest: SlackMethodHandler = (_args, ctx) => ({
  ok: true,
  url: `https://${ctx.identity.teamName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.slack.com/`,
  team: ctx.identity.teamName,
  user: ctx.identity.botName,
  team_id: ctx.identity.teamId,
  user_id: ctx.identity.botUserId,
  bot_id: ctx.identity.botId,
  is_enterprise_install: false,
});

const connectionsOpen: SlackMethodHandler = (_args, ctx) => ({ ok: true, url: ctx.issueSocketUrl() });

const conversationsInfo: SlackMethodHandler = (args, ctx) => {
  const missing = requireArgs(args, ['channel']);
  if (missing) return missing;
  const id = str(args, 'channel') as string;
  const channelError = checkChannel(id, ctx, false);
  if (channelError) return channelError;
  const isIm = id.startsWith('D');
  const isPrivate = id.startsWith('G');
  return {
    ok: true,
    channel: {
      id,
      created: 1_600_000_000,
      is_archived: false,
      is_general: false,
      context_team_id: ctx.identity.teamId,
      ...(isIm
        ? { is_im: true, is_channel: false, is_group: false, is_private: true, user: 'UHUMAN', is_member: true }
        : {
            name: id.toLowerCase(),
            name_normalized: id.toLowerCase(),
            is_channel: !isPrivate,
            is_group: isPrivate,
            is_im: false,
            is_mpim: false,
            is_private: isPrivate,
            is_member: ctx.isBotMember(id),
          }),
    },
  };
};

const conversationsReplies: SlackMethodHandler = (args, ctx) => {
  const missing = requireArgs(args, ['channel', 'ts']);
  if (missing) return missing;
  const channel = str(args, 'channel') as string;
  const channelError = checkChannel(channel, ctx, false);
  if (channelError) return channelError;
  const ts = str(args, 'ts') as string;
  const rootTs = ctx.threads.get(channel, ts)?.threadTs ?? ts;
  const thread = ctx.threads.thread(channel, rootTs);
  if (thread.length === 0) return fail('thread_not_found');
  // `oldest` / `latest` bound the time range; `inclusive` keeps messages at exactly those ts.
  const oldest = str(args, 'oldest');
  const latest = str(args, 'latest');
  if (oldest !== undefined && !/^\d+(\.\d+)?$/.test(oldest)) return fail('invalid_ts_oldest');
  if (latest !== undefined && !/^\d+(\.\d+)?$/.test(latest)) return fail('invalid_ts_latest');
  const inclusive = ['true', '1'].includes(String(args['inclusive'] ?? 'false'));
  // Exact comparison: `seconds.micros` has more digits than a double keeps.
  const micros = (ts: string) => {
    const [seconds = '0', fraction = ''] = ts.split('.');
    return BigInt(seconds) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  };
  const within = (ts: string) =>
    (oldest === undefined || (inclusive ? micros(ts) >= micros(oldest) : micros(ts) > micros(oldest))) &&
    (latest === undefined || (inclusive ? micros(ts) <= micros(latest) : micros(ts) < micros(latest)));
  const all = thread.filter((message) => within(message.ts));
  const limit = Math.min(Math.max(Number(str(args, 'limit') ?? 1000) || 1000, 1), 1000);
  const cursor = str(args, 'cursor');
  let offset = 0;
  if (cursor) {
    const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
    if (!match) return fail('invalid_cursor');
    offset = Number(match[1]);
  }
  const page = all.slice(offset, offset + limit);
  const next = offset + limit < all.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
  return {
    ok: true,
    messages: page.map((m) => ctx.threads.toApiMessage(m, ctx.identity.appId, ctx.identity.teamId)),
    has_more: next !== '',
    response_metadata: { next_cursor: next },
  };
};

const setStatus: SlackMethodHandler = (args, ctx) => {
  const missing = requireArgs(args, ['channel_id', 'thread_ts']);
  if (missing) return missing;
  const status = str(args, 'status');
  if (status === undefined) return fail('invalid_arguments', 'missing required field: status');
  const channel = str(args, 'channel_id') as string;
  const channelError = checkChannel(channel, ctx, false);
  if (channelError) return channelError;
  const loading = args['loading_messages'];
  ctx.threads.addStatus(channel, str(args, 'thread_ts') as string, {
    status,
    ...(Array.isArray(loading) ? { loadingMessages: loading.map(String) } : {}),
    at: ctx.now(),
  });
  return { ok: true };
};

function assistantThreadMethod(required: string[], arrays: string[] = []): SlackMethodHandler {
  return (args, ctx) => {
    const missing = requireArgs(args, required);
    if (missing) return missing;
    const notArray = arrays.find((name) => !Array.isArray(args[name]));
    if (notArray) return fail('invalid_arguments', `missing required field: ${notArray}`);
    return checkChannel(str(args, 'channel_id') as string, ctx, false) ?? { ok: true };
  };
}

function reactionMethod(adding: boolean): SlackMethodHandler {
  return (args, ctx) => {
    const missing = requireArgs(args, ['channel', 'timestamp', 'name']);
    if (missing) return missing;
    const channel = str(args, 'channel') as string;
    const channelError = checkChannel(channel, ctx, false);
    if (channelError) return channelError;
    const message = ctx.threads.get(channel, str(args, 'timestamp') as string);
    if (!message) return fail('message_not_found');
    const name = str(args, 'name') as string;
    const index = message.reactions.indexOf(name);
    if (adding) {
      if (index >= 0) return fail('already_reacted');
      message.reactions.push(name);
    } else {
      if (index < 0) return fail('no_reaction');
      message.reactions.splice(index, 1);
    }
    return { ok: true };
  };
}

/**
 * Every Web API method the fake implements, by name. Anything else answers `unknown_method`.
 * `apps.connections.open` needs an app-level (`xapp-`) token; every other method a bot token.
 */
export const fakeSlackMethods: Record<string, SlackMethodHandler> = {
  'auth.test': authTest,
  'apps.connections.open': connectionsOpen,
  ...fakeSlackChatMethods,
  ...fakeSlackStreamMethods,
  'assistant.threads.setStatus': setStatus,
  'assistant.threads.setTitle': assistantThreadMethod(['channel_id', 'thread_ts', 'title']),
  'conversations.replies': conversationsReplies,
  'conversations.info': conversationsInfo,
  'users.info': usersInfo,
  'reactions.add': reactionMethod(true),
  'reactions.remove': reactionMethod(false),
  // views.publish and the agent view's assistant.threads.setSuggestedPrompts.
  ...fakeSlackViewMethods,
};
