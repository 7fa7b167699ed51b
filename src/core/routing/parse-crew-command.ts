import type { AgentRegistry } from '../agents/agent-registry.js';
import { measureEditDistance } from '../agents/suggest-closest-name.js';

/** What a `/crew …` command asks for. */
export type CrewCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'usage' }
  /** `byDefault`: no agent was named, so the channel's default (`/crew use`) answers, else `agentName`. */
  | { kind: 'ask'; agentName: string; question: string; byDefault?: true }
  /** `/crew use` (show), `/crew use <agent>` (set), `/crew use default` (clear) the channel's default agent. */
  | { kind: 'use'; action: 'show' }
  | { kind: 'use'; action: 'clear' }
  | { kind: 'use'; action: 'set'; agentName: string }
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
  const use = parseUseCommand(trimmed, registry);
  if (use) return use;
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
  return { kind: 'ask', agentName: registry.defaultAgent().name, question: trimmed, byDefault: true };
}

/**
 * `use`, `use default`, `use <agent>` (a name, an alias or the display name: `use Security
 * Engineer`). `default` is the keyword even if an agent were called so. A single word that names
 * no agent is an unknown agent (with did-you-mean); several words naming none are a question that
 * happens to start with "use" (`/crew use redis or postgres for the queue?`), as before.
 */
function parseUseCommand(trimmed: string, registry: AgentRegistry): CrewCommand | undefined {
  const match = /^use(?:\s+([\s\S]*))?$/i.exec(trimmed);
  if (!match) return undefined;
  const rest = (match[1] ?? '').trim();
  if (rest === '') return { kind: 'use', action: 'show' };
  if (/^default$/i.test(rest)) return { kind: 'use', action: 'clear' };
  const named = registry.find(rest) ?? registry.list().find((agent) => agent.displayName.toLowerCase() === rest.toLowerCase());
  if (named) return { kind: 'use', action: 'set', agentName: named.name };
  if (/\s/.test(rest)) return undefined;
  const word = rest.replace(/^@/, '');
  return { kind: 'unknown-agent', requestedName: word, suggestion: registry.suggest(word) };
}
