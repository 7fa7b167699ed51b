import type { FakeSlackSessions } from './fake-slack-sessions.js';
import type { FakeSlackThreads } from './fake-slack-threads.js';
import type { FakeSlackApiOptions, FakeSlackUser, SlackArgs, SlackResult } from './fake-slack-types.js';

/** Slack's limit on `markdown_text` (and streamed markdown per call). */
export const MARKDOWN_TEXT_LIMIT = 12_000;
/** Slack's limit on `text`. */
export const TEXT_LIMIT = 40_000;

/** Form fields WebClient sends JSON-encoded (it JSON-encodes every non-scalar value). */
export const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'chunks', 'loading_messages', 'prompts']);

/** The fake workspace identity. */
export interface SlackIdentity {
  botUserId: string;
  botId: string;
  teamId: string;
  teamName: string;
  /** The bot user's name (auth.test `user`). */
  botName: string;
  appId: string;
}

/** What a method handler may use. */
export interface SlackMethodContext {
  threads: FakeSlackThreads;
  /** Agent sessions by thread. */
  sessions: FakeSlackSessions;
  identity: SlackIdentity;
  options: FakeSlackApiOptions;
  now(): number;
  streamLifetimeMs: number;
  isUnknownChannel(channel: string): boolean;
  isBotMember(channel: string): boolean;
  /** Issues a fresh Socket Mode URL (for `apps.connections.open`). */
  issueSocketUrl(): string;
  /** A configured member (`null`: no such user), or undefined when the id was not configured. */
  userOf(id: string): FakeSlackUser | null | undefined;
}

/** A Web API method implementation: decoded args in, response body out. */
export type SlackMethodHandler = (args: SlackArgs, ctx: SlackMethodContext) => SlackResult;

/** `{ok:false, error}` plus optional Slack-style `[ERROR]` detail. */
export function fail(error: string, detail?: string): SlackResult {
  return detail === undefined
    ? { ok: false, error }
    : { ok: false, error, response_metadata: { messages: [`[ERROR] ${detail}`] } };
}

/** A string argument, or undefined when absent (numbers and booleans are stringified). */
export function str(args: SlackArgs, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `invalid_arguments` naming the first missing (absent or empty) argument, else undefined. */
export function requireArgs(args: SlackArgs, names: string[]): SlackResult | undefined {
  for (const name of names) {
    const value = str(args, name);
    if (value === undefined || value === '') {
      return fail('invalid_arguments', `missing required field: ${name}`);
    }
  }
  return undefined;
}

/** Channel existence and (optionally) membership checks shared by channel methods. */
export function checkChannel(
  channel: string,
  ctx: SlackMethodContext,
  needMembership: boolean,
): SlackResult | undefined {
  if (ctx.isUnknownChannel(channel)) return fail('channel_not_found');
  if (needMembership && !ctx.isBotMember(channel)) return fail('not_in_channel');
  return undefined;
}

/** The markdown a call carries: `markdown_text` plus the text of `markdown_text` chunks. */
export function markdownOf(args: SlackArgs): string | undefined {
  const pieces: string[] = [];
  const markdown = str(args, 'markdown_text');
  if (markdown !== undefined) pieces.push(markdown);
  const chunks = args['chunks'];
  if (Array.isArray(chunks)) {
    for (const chunk of chunks) {
      if (chunk && typeof chunk === 'object' && (chunk as { type?: unknown }).type === 'markdown_text') {
        const text = (chunk as { text?: unknown }).text;
        if (typeof text === 'string') pieces.push(text);
      }
    }
  }
  return pieces.length > 0 ? pieces.join('') : undefined;
}

/** Blocks argument when it is an array; `invalid` when present but not an array. */
export function blocksOf(args: SlackArgs): { blocks?: unknown[]; invalid?: true } {
  const blocks = args['blocks'];
  if (blocks === undefined) return {};
  return Array.isArray(blocks) ? { blocks } : { invalid: true };
}
