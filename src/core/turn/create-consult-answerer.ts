import type { AgentRegistry } from '../agents/agent-registry.js';
import type { Agent } from '../agents/agent.js';
import { describeErrorForUser } from '../reply/describe-error-for-user.js';
import type { KnownModel } from '../model/model-catalog.js';
import type { ModelClient, ModelUsage } from '../model/ports.js';
import { CONSULT_TOOL_NAME } from '../model/ports.js';
import type { Logger } from '../shared/ports.js';
import type { ToolAnswer, ToolCall, ToolCallAnswerer, TurnObserver } from './ports.js';
import { quoteUntrusted } from './quote-untrusted.js';
import { withUntrustedMaterialRule } from './untrusted-material-rule.js';

/** Bounds of one consult: a focused answer, quickly. */
export interface ConsultBounds {
  timeoutMs: number;
  maxOutputTokens: number;
}

export const DEFAULT_CONSULT_BOUNDS: ConsultBounds = { timeoutMs: 60_000, maxOutputTokens: 2_000 };

/** What a turn's consults need. */
export interface ConsultAnswererOptions {
  registry: AgentRegistry;
  model: ModelClient;
  modelOf: (agent: Agent) => KnownModel;
  logger: Logger;
  observer?: TurnObserver;
  bounds?: ConsultBounds;
}

const noUsage: ModelUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

function addUsage(total: ModelUsage, more: ModelUsage): ModelUsage {
  return {
    inputTokens: total.inputTokens + more.inputTokens,
    outputTokens: total.outputTokens + more.outputTokens,
    cacheReadTokens: total.cacheReadTokens + more.cacheReadTokens,
    cacheWriteTokens: total.cacheWriteTokens + more.cacheWriteTokens,
  };
}

/** The first sentence or line of an answer, short: the progress item's gist. */
function gistOf(text: string): string {
  const first = text.trim().split(/\n|(?<=[.!?])\s/, 1)[0] ?? '';
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

/**
 * Answers one turn's consults: each call asks another crew member (`member`, `question`) with
 * that member's own role prompt and model, given the question and a bounded extract of the
 * thread. One level deep: a consulted member is offered no tools, so it cannot consult in turn.
 * Bounded in time and tokens; calls run side by side; a member that fails or times out comes back
 * as an error result, and the turn goes on without it.
 */
export function createConsultAnswerer(options: ConsultAnswererOptions, from: Agent, allowed: readonly Agent[], threadExtract: string): ToolCallAnswerer {
  const bounds = options.bounds ?? DEFAULT_CONSULT_BOUNDS;

  async function answerOne(call: ToolCall, signal: AbortSignal): Promise<ToolAnswer> {
    const input = (call.input ?? {}) as { member?: unknown; question?: unknown };
    const memberName = typeof input.member === 'string' ? input.member : '';
    const question = typeof input.question === 'string' ? input.question.trim() : '';
    const member = allowed.find((candidate) => candidate.name === memberName || candidate.aliases.includes(memberName));
    const logContext = { from: from.name, to: memberName, toolUseId: call.id };
    if (call.name !== CONSULT_TOOL_NAME || !member || question === '') {
      options.observer?.consultFinished?.({ from: from.name, to: memberName || 'unknown', outcome: 'refused' });
      options.logger.warn(logContext, 'consult refused: not a member this agent may consult');
      const content = `You cannot consult "${memberName}": ask one of ${allowed.map((candidate) => candidate.name).join(', ')} a focused question.`;
      return { toolUseId: call.id, content, isError: true, usage: noUsage, output: 'Not a crew member I may consult' };
    }
    const chosen = options.modelOf(member);
    const timeout = AbortSignal.timeout(bounds.timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    const request = {
      model: chosen.id,
      system: withUntrustedMaterialRule(member.prompt),
      maxTokens: Math.min(bounds.maxOutputTokens, chosen.maxOutputTokens ?? Number.POSITIVE_INFINITY),
      messages: [
        {
          role: 'user' as const,
          content: [
            {
              type: 'text' as const,
              text:
                `${from.displayName}, a member of your crew, asks for your view. Answer briefly and concretely.\n\nQuestion: ${question}\n\n` +
                `The conversation so far, for context:\n${quoteUntrusted({ source: 'slack-thread', text: threadExtract })}`,
            },
          ],
        },
      ],
    };
    let text = '';
    let usage = noUsage;
    let triedToConsult = false;
    try {
      for await (const event of options.model.stream(request, both)) {
        if (event.type === 'text-delta') text += event.text;
        if (event.type === 'tool-call') triedToConsult = true;
        if (event.type === 'message-end') usage = addUsage(usage, event.usage);
        if (event.type === 'error') throw event.error;
      }
      if (text.trim() === '' && triedToConsult) {
        // Consults are one level deep: the consulted member was offered no tools and may not call one.
        options.observer?.consultFinished?.({ from: from.name, to: member.name, outcome: 'refused' });
        options.logger.warn(logContext, 'consulted member tried to consult in turn; refused (one level deep)');
        const content = `${member.displayName} tried to consult another member instead of answering; consults are one level deep.`;
        return { toolUseId: call.id, content, isError: true, usage, output: `${member.displayName} did not answer` };
      }
      if (text.trim() === '') throw new Error('empty answer');
    } catch (error) {
      const why = timeout.aborted ? `did not answer within ${Math.round(bounds.timeoutMs / 1000)} s` : describeErrorForUser(error);
      options.observer?.consultFinished?.({ from: from.name, to: member.name, outcome: 'failed' });
      options.logger.warn({ ...logContext, err: error, timedOut: timeout.aborted }, 'consult failed; the answer goes on without it');
      return { toolUseId: call.id, content: `${member.displayName} could not answer: ${why}`, isError: true, usage, output: `${member.displayName} could not answer` };
    }
    options.observer?.consultFinished?.({ from: from.name, to: member.name, outcome: 'answered' });
    options.logger.info({ ...logContext, usage }, 'consult answered');
    return { toolUseId: call.id, content: text, isError: false, usage, output: gistOf(text) };
  }

  return (calls, signal) => Promise.all(calls.map((call) => answerOne(call, signal)));
}
