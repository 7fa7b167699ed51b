import type { WebClient } from '@slack/web-api';
import type { SuggestedPrompts } from '../../core/agents/choose-suggested-prompts.js';
import type { Logger } from '../../core/shared/ports.js';
import { readSlackError } from './read-slack-error.js';
import { escapeSlackText, neutraliseBroadcastWords } from './sanitize-outbound-text.js';
import { callSlack } from './slack-call.js';

/** What setting prompts needs. */
export interface SetSuggestedPromptsOptions {
  logger: Logger;
  onSlackError?: (method: string, code: string) => void;
}

/**
 * Sets the prompts the agent view offers in the bot's DM (`assistant.threads.setSuggestedPrompts`,
 * scope `assistant:write`). No `thread_ts`: Slack documents it for the legacy assistant view only
 * and says a call carrying one "silently fails" for an `agent_view` app; without it the prompts
 * are set for the latest message in the DM. Prompt text comes from agent files, so it is escaped
 * like any text the bot sends. Never throws: a refusal or rate limit is logged with its context
 * (the DM goes on without prompts). Resolves true when Slack took them.
 */
export async function setSuggestedPrompts(
  client: WebClient,
  channelId: string,
  suggested: SuggestedPrompts,
  options: SetSuggestedPromptsOptions & { context?: Record<string, unknown> },
): Promise<boolean> {
  const clean = (text: string) => neutraliseBroadcastWords(escapeSlackText(text, { atLineStart: false }));
  const args = {
    channel_id: channelId,
    title: clean(suggested.title),
    prompts: suggested.prompts.map((prompt) => ({ title: clean(prompt.title), message: clean(prompt.message) })),
  };
  try {
    // Two attempts and a short budget: prompts are a nicety, not worth holding a listener for.
    await callSlack(client, 'assistant.threads.setSuggestedPrompts', args, { logger: options.logger, maxAttempts: 2, timeBudgetMs: 5_000, onError: options.onSlackError });
    return true;
  } catch (error) {
    options.logger.warn({ ...options.context, channel: channelId, method: 'assistant.threads.setSuggestedPrompts', code: readSlackError(error).code }, 'could not set suggested prompts');
    return false;
  }
}
