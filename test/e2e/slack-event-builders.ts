import { readFileSync } from 'node:fs';

let counter = 0;

/** A unique Slack-like ts, increasing within the run. */
export function nextTs(): string {
  counter += 1;
  return `${1_700_000_000 + counter}.${String(counter).padStart(6, '0')}`;
}

function loadFixture(name: string): Record<string, unknown> {
  const url = new URL(`../fixtures/slack-payloads/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
}

/** Fields of a message event a test sets. */
export interface MessageFields {
  user?: string;
  text: string;
  channel?: string;
  ts?: string;
  threadTs?: string;
  eventId?: string;
  teamId?: string;
  botId?: string;
  subtype?: string;
}

/** An `app_mention` event callback built from Slack's documented payload. */
export function buildMentionEvent(fields: MessageFields & { botUserId?: string }) {
  const body = loadFixture('app_mention_event_callback.json');
  const ts = fields.ts ?? nextTs();
  const teamId = fields.teamId ?? 'T111';
  const event = {
    ...(body.event as Record<string, unknown>),
    type: 'app_mention',
    user: fields.user ?? 'U222',
    text: `<@${fields.botUserId ?? 'UBOT'}> ${fields.text}`.trimEnd(),
    ts,
    event_ts: ts,
    channel: fields.channel ?? 'C111',
    team: teamId,
    ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
  };
  delete (event as Record<string, unknown>).blocks;
  return { ...body, team_id: teamId, event, event_id: fields.eventId ?? `Ev${ts.replace('.', '')}`, event_time: Math.floor(Date.now() / 1000) };
}

/** A `message` event callback (channel thread reply or DM) built from Slack SDK test payloads. */
export function buildMessageEvent(fields: MessageFields & { channelType: 'channel' | 'group' | 'im' }) {
  const body = loadFixture('message_channel_thread_reply_event_callback.bolt-python.json');
  const ts = fields.ts ?? nextTs();
  const teamId = fields.teamId ?? 'T111';
  const event: Record<string, unknown> = {
    type: 'message',
    user: fields.user ?? 'U222',
    text: fields.text,
    ts,
    event_ts: ts,
    channel: fields.channel ?? (fields.channelType === 'im' ? 'D111' : 'C111'),
    channel_type: fields.channelType,
    team: teamId,
  };
  if (fields.threadTs) event.thread_ts = fields.threadTs;
  if (fields.botId) event.bot_id = fields.botId;
  if (fields.subtype) event.subtype = fields.subtype;
  return {
    ...body,
    team_id: teamId,
    enterprise_id: undefined,
    event,
    event_id: fields.eventId ?? `Ev${ts.replace('.', '')}m`,
    event_time: Math.floor(Date.now() / 1000),
  };
}

/** Form fields of a `/crew` slash command, from Slack's documented body. */
export function buildCrewCommand(text: string, fields: { channel?: string; user?: string; responseUrl?: string } = {}) {
  const documented = readFileSync(new URL('../fixtures/slack-payloads/slash_command_form_body.docs.txt', import.meta.url), 'utf8').trim();
  const params = new URLSearchParams(documented);
  params.set('team_id', 'T111');
  params.set('channel_id', fields.channel ?? 'C111');
  params.set('user_id', fields.user ?? 'U222');
  params.set('command', '/crew');
  params.set('text', text);
  params.set('trigger_id', `trigger-${nextTs()}`);
  if (fields.responseUrl) params.set('response_url', fields.responseUrl);
  return Object.fromEntries(params.entries());
}
