/**
 * manifest.yml against the code: every event the code listens to is subscribed (and every
 * subscribed event is listened to, or says here why not), and every Web API method the code
 * calls has its scope requested. The code is read as text, so a new `app.event('…')` or a new
 * method name fails here until the manifest (and the table below) say what it needs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

/** The bot scope each Web API method needs (`null`: none beyond the bot token). From each method's page on docs.slack.dev. */
const METHOD_SCOPE: Record<string, string | null> = {
  'auth.test': null,
  'apps.connections.open': null,
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.startStream': 'chat:write',
  'chat.appendStream': 'chat:write',
  'chat.stopStream': 'chat:write',
  // Agent sessions take a bot token bearing chat:write.
  'agents.sessions.setStatus': 'chat:write',
  'agents.sessions.rename': 'chat:write',
  'assistant.threads.setStatus': 'chat:write',
  'assistant.threads.setSuggestedPrompts': 'assistant:write',
  'assistant.threads.setTitle': 'assistant:write',
  'conversations.replies': 'channels:history',
  'conversations.info': 'channels:read',
  'users.info': 'users:read',
  'views.publish': null,
  'views.open': null,
  'views.update': null,
};

/** Scopes a method needs besides its main one, for the conversation kinds the bot is in. */
const EXTRA_SCOPES: Record<string, string[]> = {
  // Threads in private channels and DMs are read too.
  'conversations.replies': ['groups:history', 'im:history'],
};

/** Subscribed events no listener names, and why. */
const EVENTS_WITHOUT_LISTENER: Record<string, string> = {
  // Bolt delivers message.channels / .groups / .im to app.event('message').
  'message.channels': 'message',
  'message.groups': 'message',
  'message.im': 'message',
  // agent_view sends app_context in message.im events only when subscribed; no listener needed.
  app_context_changed: 'adds app_context to message.im events',
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

const code = sourceFiles(path.join(root, 'src')).map((file) => readFileSync(file, 'utf8')).join('\n');
const manifest = parseDocument(readFileSync(path.join(root, 'manifest.yml'), 'utf8')).toJS() as {
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] } };
};
const scopes = manifest.oauth_config.scopes.bot;
const events = manifest.settings.event_subscriptions.bot_events;

const listenedEvents = [...new Set([...code.matchAll(/app\.event\(\s*'([a-z_]+)'/g)].map((match) => match[1] as string))];
const calledMethods = [
  ...new Set([
    ...[...code.matchAll(/'((?:chat|assistant|agents|views|users|conversations|reactions|auth|apps|team|bots|files)\.[a-z][a-zA-Z]*(?:\.[a-z][a-zA-Z]*)?)'/g)].map((match) => match[1] as string),
    ...[...code.matchAll(/client\.((?:chat|assistant|agents|views|users|conversations|auth|apps)\.[a-z][a-zA-Z]*(?:\.[a-z][a-zA-Z]*)?)\(/g)].map((match) => match[1] as string),
  ]),
].filter((method) => method !== 'files.slack.com');

describe('manifest.yml and the code', () => {
  it('finds the listeners and methods it checks (the scan works)', () => {
    expect(listenedEvents).toEqual(expect.arrayContaining(['app_mention', 'message', 'agent_session_stopped']));
    expect(calledMethods).toEqual(expect.arrayContaining(['chat.startStream', 'agents.sessions.setStatus', 'auth.test']));
  });

  it('subscribes to every event the code listens to', () => {
    const missing = listenedEvents.filter((event) => (event === 'message' ? !events.some((name) => name.startsWith('message.')) : !events.includes(event)));
    expect(missing).toEqual([]);
  });

  it('listens to every subscribed event, or says here why not', () => {
    const unheard = events.filter((event) => !listenedEvents.includes(event) && EVENTS_WITHOUT_LISTENER[event] === undefined);
    expect(unheard).toEqual([]);
  });

  it('knows the scope of every Web API method the code calls', () => {
    expect(calledMethods.filter((method) => !(method in METHOD_SCOPE))).toEqual([]);
  });

  it('requests the scope of every Web API method the code calls', () => {
    const needed = calledMethods.flatMap((method) => [METHOD_SCOPE[method], ...(EXTRA_SCOPES[method] ?? [])]).filter((scope): scope is string => typeof scope === 'string');
    expect([...new Set(needed)].filter((scope) => !scopes.includes(scope))).toEqual([]);
  });
});
