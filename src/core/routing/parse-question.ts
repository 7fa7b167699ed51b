import type { AgentRegistry } from '../agents/agent-registry.js';

/** A question with the agent it names, if any. */
export interface ParsedQuestion {
  /** Canonical name of the agent named by the first word, when it names one. */
  agentName?: string;
  /** The question without the agent name. */
  question: string;
}

const leadingWord = /^\s*@?([^\s,:]+)[,:]?(?:\s+|$)/;

/**
 * Reads the first word of a question (bot mention already removed) as an agent name or
 * alias; when it is one, that agent gets the rest of the text.
 */
export function parseQuestion(text: string, registry: AgentRegistry): ParsedQuestion {
  const trimmed = text.trim();
  const match = leadingWord.exec(trimmed);
  if (match?.[1]) {
    const agent = registry.find(match[1]);
    if (agent) return { agentName: agent.name, question: trimmed.slice(match[0].length).trim() };
  }
  return { question: trimmed };
}
