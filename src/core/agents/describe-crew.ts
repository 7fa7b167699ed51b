import type { AgentRegistry } from './agent-registry.js';
import type { Agent } from './agent.js';
import { consultTargetsOf } from './consult-targets.js';

/** One crew member as a surface (the App Home, a help text) shows it: plain text, not yet escaped. */
export interface CrewMemberDescription {
  /** The name people type (`/crew <name> …`). */
  name: string;
  displayName: string;
  aliases: string[];
  iconEmoji?: string;
  /** The member's crew (team) for grouping, when the file names one. */
  crew?: string;
  /** What the member is for: the file's description up to its examples, on one line, bounded. */
  summary: string;
  /** Display names of the members it may consult; `consultsEveryone` when that is the whole crew. */
  consults: string[];
  consultsEveryone: boolean;
  /** A question to try: the first suggested prompt, else one made from the name. */
  sampleQuestion: string;
  isDefault: boolean;
}

/** The crew as a surface shows it, in registry order. */
export interface CrewDescription {
  members: CrewMemberDescription[];
  /** Name of the agent bare mentions and DMs reach. */
  defaultAgentName: string;
}

/** Longest summary kept of a description (Claude Code descriptions often run to pages of examples). */
export const maxSummaryChars = 280;

// Claude Code descriptions put worked examples after "Examples:" or in <example> tags; files
// written by hand often carry a literal "\n" from a one-line YAML string.
const examplesStart = /(?:\bExamples?\s*:|<example>|\\n\\n)/i;

/**
 * Describes the crew for a surface, from the registry alone: names, aliases, a bounded summary
 * of each description, whom each member consults, and a sample question. Pure, so every surface
 * shows the same facts and rendering is only layout.
 */
export function describeCrew(registry: AgentRegistry): CrewDescription {
  const defaultAgentName = registry.defaultAgent().name;
  const everyoneElse = registry.list().length - 1;
  const members = registry.list().map((agent): CrewMemberDescription => {
    const consults = consultTargetsOf(agent, registry);
    return {
      name: agent.name,
      displayName: agent.displayName,
      aliases: [...agent.aliases],
      ...(agent.iconEmoji ? { iconEmoji: agent.iconEmoji } : {}),
      ...(agent.crew ? { crew: agent.crew } : {}),
      summary: summarizeDescription(agent.description),
      consults: consults.map((member) => member.displayName),
      consultsEveryone: everyoneElse > 1 && consults.length === everyoneElse,
      sampleQuestion: sampleQuestionOf(agent),
      isDefault: agent.name === defaultAgentName,
    };
  });
  return { members, defaultAgentName };
}

/** A description up to its examples, whitespace folded to single spaces, cut at a word near `maxChars`. */
export function summarizeDescription(description: string, maxChars = maxSummaryChars): string {
  const head = description.split(examplesStart)[0] ?? '';
  const folded = head.replace(/\\n/g, ' ').replace(/\s+/g, ' ').trim();
  return shortenText(folded === '' ? description.replace(/\s+/g, ' ').trim() : folded, maxChars);
}

/** The agent's first suggested prompt, else a question anyone can ask any member. */
export function sampleQuestionOf(agent: Agent): string {
  const first = agent.suggestedPrompts.map((prompt) => prompt.trim()).find((prompt) => prompt !== '');
  return first ?? `What can you help me with as our ${agent.displayName}?`;
}

/**
 * Cuts `text` to at most `maxChars` UTF-16 units (how Slack's limits count), never inside a
 * character, at a word boundary when one is near, and marks the cut with `…`.
 */
export function shortenText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let cut = '';
  for (const character of text) {
    if (cut.length + character.length > maxChars - 1) break;
    cut += character;
  }
  const lastSpace = cut.lastIndexOf(' ');
  const atWord = lastSpace >= cut.length * 0.6 ? cut.slice(0, lastSpace) : cut;
  return `${atWord.replace(/[\s,;:.-]+$/, '')}…`;
}
