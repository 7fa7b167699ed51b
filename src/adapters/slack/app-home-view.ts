import type { CrewDescription, CrewMemberDescription } from '../../core/agents/describe-crew.js';
import { shortenText } from '../../core/agents/describe-crew.js';
import { escapeSlackText, neutraliseBroadcastWords } from './sanitize-outbound-text.js';

/** Agents on one page of the App Home: 20 sections and their group headers stay far below Slack's 100 blocks and 250 kB. */
export const homePageSize = 20;

/** `action_id` prefix of the App Home's page buttons (`…previous`, `…next`); the value is the page to show. */
export const homePageActionPrefix = 'crew_home_page_';

/** Block Kit limits (docs.slack.dev Block Kit reference) the view is built within. */
const limits = { blocks: 100, sectionText: 3000, headerText: 150, contextText: 3000, buttonText: 75 } as const;

/** Most consulted members named one by one; the rest are counted. */
const maxNamedConsults = 8;
const maxSampleChars = 300;

/** A Block Kit block as the App Home uses them (header, section, context, divider, actions). */
export type HomeBlock = Record<string, unknown> & { type: string };

/** A `home` view for `views.publish`. */
export interface AppHomeView {
  type: 'home';
  blocks: HomeBlock[];
}

/** The view and where it is in the crew. */
export interface AppHomePage {
  view: AppHomeView;
  /** 1-based page shown (clamped to the pages there are). */
  page: number;
  pageCount: number;
}

/** What the App Home needs besides the crew. */
export interface AppHomeViewOptions {
  /** The bot's handle as people type it, e.g. `@architect`. */
  botHandle: string;
  /** 1-based page to show (default 1). */
  page?: number;
  pageSize?: number;
}

/**
 * Lays out the App Home from a description of the crew: how to reach it, then each member —
 * name, aliases, what it is for, whom it consults, a question to try and how to ask it — one
 * page of `pageSize` members at a time, with Previous / Next buttons when the crew is larger.
 * Every text from agent files is escaped (`&`, `<`, `>`, broadcast words) and bounded, so the
 * view stays within Slack's Block Kit limits for any crew.
 */
export function buildAppHomeView(crew: CrewDescription, options: AppHomeViewOptions): AppHomePage {
  const pageSize = Math.max(1, options.pageSize ?? homePageSize);
  const pageCount = Math.max(1, Math.ceil(crew.members.length / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(options.page ?? 1) || 1), pageCount);
  const shown = groupByCrew(crew.members).slice((page - 1) * pageSize, page * pageSize);
  const first = (page - 1) * pageSize + 1;
  const defaultMember = crew.members.find((member) => member.isDefault);
  const hasCrews = crew.members.some((member) => member.crew !== undefined);

  const blocks: HomeBlock[] = [
    header('The crew'),
    section(howToReach(options.botHandle, defaultMember)),
    context(
      pageCount > 1
        ? `${crew.members.length} agents · showing ${first}–${first + shown.length - 1} (page ${page} of ${pageCount})`
        : `${crew.members.length} ${crew.members.length === 1 ? 'agent' : 'agents'}`,
    ),
    { type: 'divider' },
  ];
  let group: string | undefined;
  for (const member of shown) {
    const memberGroup = member.crew ?? '';
    // A header where a crew starts, and atop each page; members of no crew come last, under "Other members" when there are crews.
    if (memberGroup !== group && (memberGroup !== '' || hasCrews)) blocks.push(header(memberGroup === '' ? 'Other members' : memberGroup));
    group = memberGroup;
    blocks.push(section(describeMember(member, options.botHandle)));
  }
  if (pageCount > 1) blocks.push(pageButtons(page, pageCount));
  // The layout above stays far below the limit; the guard keeps that true if it grows.
  return { view: { type: 'home', blocks: blocks.slice(0, limits.blocks) }, page, pageCount };
}

/** Members grouped by crew in the order crews first appear, members of no crew last (as `/crew list`). */
function groupByCrew(members: CrewMemberDescription[]): CrewMemberDescription[] {
  const groups = new Map<string, CrewMemberDescription[]>();
  for (const member of members) groups.set(member.crew ?? '', [...(groups.get(member.crew ?? '') ?? []), member]);
  const ungrouped = groups.get('') ?? [];
  groups.delete('');
  return [...[...groups.values()].flat(), ...ungrouped];
}

/** How to reach the crew: mention, `/crew`, Messages. */
function howToReach(botHandle: string, defaultMember: CrewMemberDescription | undefined): string {
  const handle = escape(botHandle);
  const defaultName = defaultMember ? ` (*${escape(defaultMember.displayName)}* unless you name another)` : '';
  return [
    '*How to ask*',
    `• In a channel: \`${handle} <question>\`${defaultName}, or \`${handle} <agent> <question>\`. The answer streams into the thread; reply there to follow up.`,
    '• Anywhere: `/crew <agent> <question>` posts your question and answers in its thread. `/crew list` and `/crew help` show the crew.',
    '• In Messages: write to me directly; start with an agent’s name to pick one.',
  ].join('\n');
}

/** One member's section text. */
function describeMember(member: CrewMemberDescription, botHandle: string): string {
  const name = escape(member.name);
  const icon = member.iconEmoji && /^:[a-z0-9_+'-]+:$/i.test(member.iconEmoji) ? `${member.iconEmoji} ` : '';
  const aliases = member.aliases.length > 0 ? ` (also ${member.aliases.map((alias) => `\`${escape(alias)}\``).join(', ')})` : '';
  const marker = member.isDefault ? ' · _default_' : '';
  const lines = [`${icon}*${escape(member.displayName)}* — \`${name}\`${aliases}${marker}`, escape(member.summary)];
  const consults = describeConsults(member);
  if (consults) lines.push(`*Consults:* ${consults}`);
  lines.push(`*Try:* “${escape(shortenText(member.sampleQuestion, maxSampleChars))}”`);
  lines.push(`*Ask:* \`${escape(botHandle)} ${name} …\` · \`/crew ${name} …\` · in Messages: \`${name} …\``);
  return lines.join('\n');
}

function describeConsults(member: CrewMemberDescription): string | undefined {
  if (member.consultsEveryone) return 'any member of the crew';
  if (member.consults.length === 0) return undefined;
  const named = member.consults.slice(0, maxNamedConsults).map(escape).join(', ');
  const more = member.consults.length - maxNamedConsults;
  return more > 0 ? `${named} and ${more} more` : named;
}

function pageButtons(page: number, pageCount: number): HomeBlock {
  const button = (label: string, target: number, which: string) => ({
    type: 'button',
    action_id: `${homePageActionPrefix}${which}`,
    text: { type: 'plain_text', text: label.slice(0, limits.buttonText), emoji: true },
    value: String(target),
  });
  const elements = [
    ...(page > 1 ? [button(`◀ Page ${page - 1}`, page - 1, 'previous')] : []),
    ...(page < pageCount ? [button(`Page ${page + 1} ▶`, page + 1, 'next')] : []),
  ];
  return { type: 'actions', block_id: 'crew_home_pages', elements };
}

/** Agent-file text for mrkdwn: Slack's control characters escaped, broadcast words neutralised. */
function escape(text: string): string {
  return neutraliseBroadcastWords(escapeSlackText(text, { atLineStart: false }));
}

function header(text: string): HomeBlock {
  return { type: 'header', text: { type: 'plain_text', text: shortenText(text.replace(/\s+/g, ' ').trim() || ' ', limits.headerText), emoji: true } };
}

function section(text: string): HomeBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: boundEscaped(text, limits.sectionText) } };
}

function context(text: string): HomeBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: boundEscaped(text, limits.contextText) }] };
}

/** Bounds already-escaped text without cutting an entity (`&amp;`) in half. */
function boundEscaped(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars - 1).replace(/[\uD800-\uDBFF]$/, '').replace(/&[a-z]*$/, '')}…`;
}
