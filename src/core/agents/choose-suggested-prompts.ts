import type { Agent } from './agent.js';
import { sampleQuestionOf, shortenText } from './describe-crew.js';

/** A prompt a chat surface offers to send with one click: a short title and the message sent. */
export interface SuggestedPrompt {
  title: string;
  message: string;
}

/** The prompts and the heading a surface shows above them. */
export interface SuggestedPrompts {
  /** e.g. "Ask Backend Architect". */
  title: string;
  prompts: SuggestedPrompt[];
}

/** Slack shows at most four suggested prompts. */
export const maxSuggestedPrompts = 4;

/** Longest prompt title kept: titles are button labels, the message carries the whole question. */
export const maxPromptTitleChars = 60;

/** The prompt that is always offered: who else can be asked. */
export const crewPrompt: SuggestedPrompt = {
  title: 'Who is on the crew?',
  message: 'Who is on the crew, and what is each member good at?',
};

/**
 * The prompts to offer for a conversation with `agent`: its own `suggested_prompts` (its sample
 * question when it has none), then "Who is on the crew?" — at most four in all, duplicates
 * dropped. Titles are the prompt cut to a label; the message is the whole prompt.
 */
export function chooseSuggestedPrompts(agent: Agent): SuggestedPrompts {
  const own = agent.suggestedPrompts.map((prompt) => prompt.replace(/\s+/g, ' ').trim()).filter((prompt) => prompt !== '');
  const questions = own.length > 0 ? own : [sampleQuestionOf(agent)];
  const unique = [...new Set(questions)].filter((question) => question !== crewPrompt.message);
  const prompts = unique
    .slice(0, maxSuggestedPrompts - 1)
    .map((question) => ({ title: shortenText(question, maxPromptTitleChars), message: question }));
  return { title: `Ask ${agent.displayName}`, prompts: [...prompts, crewPrompt] };
}
