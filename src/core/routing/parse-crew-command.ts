import type { AgentRegistry } from '../agents/agent-registry.js';
import { measureEditDistance } from '../agents/suggest-closest-name.js';

/** What a `/crew …` command asks for. */
export type CrewCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'usage' }
  | { kind: 'ask'; agentName: string; question: string }
  | { kind: 'missing-question'; agentName: string }
  | { kind: 'unknown-agent'; requestedName: string; suggestion?: string };

const agentShaped = /^[a-z0-9]+(?:[._-][a-z0-9]+)+$/i;

/**
 * Parses the text after `/crew`. `help`, `list` or nothing → help/list. A first word that
 * names an agent → ask it. A first word that is close to an agent name, or shaped like one
 * (`security-auditor`), → unknown agent (with a suggestion). Otherwise the whole text is a
 * question for the default agent (`/crew how should we shard this?`).
 */
export function parseCrewCommand(text: string, registry: AgentRegistry): CrewCommand {
  const trimmed = text.trim();
  if (trimmed === '' || /^(help|-h|--help|\?)$/i.test(trimmed)) return { kind: 'help' };
  if (/^(list|agents|ls)$/i.test(trimmed)) return { kind: 'list' };
  if (/^usage$/i.test(trimmed)) return { kind: 'usage' };
  const [first = ''] = trimmed.split(/\s/, 1);
  const word = first.replace(/^@/, '').replace(/[,:]$/, '');
  // Keep the question's own line breaks and indentation (pasted code).
  const question = trimmed.slice(first.length).trim();
  const agent = registry.find(word);
  if (agent) {
    return question === '' ? { kind: 'missing-question', agentName: agent.name } : { kind: 'ask', agentName: agent.name, question };
  }
  const suggestion = registry.suggest(word);
  // A plain word is only a typo when it is long enough to tell: `/crew is this safe?` must not
  // read "is" as a misspelt two-letter alias.
  const looksMistyped =
    suggestion !== undefined && measureEditDistance(word.toLowerCase(), suggestion) <= Math.floor(word.length / 3);
  if (looksMistyped || agentShaped.test(word)) {
    return { kind: 'unknown-agent', requestedName: word, suggestion };
  }
  return { kind: 'ask', agentName: registry.defaultAgent().name, question: trimmed };
}
