import type { FakeSlackCall } from './fake-slack-types.js';

/** Markup in a sent text that real Slack would turn into a notification, a mention or a link. */
export interface SlackMarkupFinding {
  kind: 'broadcast' | 'user-mention' | 'channel-link' | 'masked-link' | 'plain-broadcast' | 'parse-option';
  /** The markup as sent, e.g. `<!here>`. */
  markup: string;
  /** Where it was found: `chat.postMessage text`, `chat.appendStream chunks[0].title`, … */
  where: string;
}

/** What the bot itself may write: its own addressing of the asker (`<@U…>`), a channel it names. */
export interface SlackMarkupAllowance {
  userIds?: readonly string[];
  channelIds?: readonly string[];
}

/**
 * Reads one text as Slack does (formatting docs: `<` opens a control sequence, `&lt;` is a
 * literal `<`) and lists every sequence that would notify or mention — `<!here>`,
 * `<!channel>`, `<!everyone>`, `<!subteam^…>`, `<@U…>` — or link — `<#C…>`, `<url|label>` —
 * plus a plain `@here` / `@channel` / `@everyone` (which notifies when `link_names` is on).
 */
export function findSlackMarkup(text: string, where = 'text', allow: SlackMarkupAllowance = {}): SlackMarkupFinding[] {
  const findings: SlackMarkupFinding[] = [];
  for (const match of text.matchAll(/<([^<>]*)>/g)) {
    const inner = match[1] ?? '';
    const target = inner.split('|')[0] ?? '';
    if (target.startsWith('!')) {
      if (!target.startsWith('!date^')) findings.push({ kind: 'broadcast', markup: match[0], where });
    } else if (target.startsWith('@')) {
      if (!allow.userIds?.includes(target.slice(1))) findings.push({ kind: 'user-mention', markup: match[0], where });
    } else if (target.startsWith('#')) {
      if (!allow.channelIds?.includes(target.slice(1))) findings.push({ kind: 'channel-link', markup: match[0], where });
    } else if (inner.includes('|')) {
      findings.push({ kind: 'masked-link', markup: match[0], where });
    }
  }
  for (const match of text.matchAll(/@(?:here|channel|everyone)\b/gi)) findings.push({ kind: 'plain-broadcast', markup: match[0], where });
  return findings;
}

/**
 * Every finding of {@link findSlackMarkup} in what the fake Slack recorded: `text`,
 * `markdown_text`, the texts of `chunks` (task cards and their sources) and of `blocks`, and any
 * call sent with `link_names: true` or `parse: 'full'`. Masked links the bot's own
 * Markdown conversion makes (`<https://…|words>`) are reported too; filter by kind as needed.
 */
export function findSlackMarkupInCalls(calls: readonly FakeSlackCall[], allow: SlackMarkupAllowance = {}): SlackMarkupFinding[] {
  const findings: SlackMarkupFinding[] = [];
  for (const call of calls) {
    const { args, method } = call;
    if (args['link_names'] === true || args['link_names'] === 'true' || args['link_names'] === 1 || args['parse'] === 'full') {
      findings.push({ kind: 'parse-option', markup: `link_names=${String(args['link_names'])} parse=${String(args['parse'])}`, where: method });
    }
    for (const field of ['text', 'markdown_text']) {
      const value = args[field];
      if (typeof value === 'string') findings.push(...findSlackMarkup(value, `${method} ${field}`, allow));
    }
    for (const field of ['chunks', 'blocks']) collectTexts(args[field], `${method} ${field}`, (text, where) => findings.push(...findSlackMarkup(text, where, allow)));
  }
  return findings;
}

/** Calls `visit` with every string under a text-bearing key of a chunk or block tree. */
function collectTexts(value: unknown, where: string, visit: (text: string, where: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => collectTexts(item, `${where}[${index}]`, visit));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' && ['text', 'title', 'details', 'output'].includes(key)) visit(child, `${where}.${key}`);
    else collectTexts(child, `${where}.${key}`, visit);
  }
}
