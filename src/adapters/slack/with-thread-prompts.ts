import type { WebClient } from '@slack/web-api';
import type { AgentRegistry } from '../../core/agents/agent-registry.js';
import { chooseSuggestedPrompts } from '../../core/agents/choose-suggested-prompts.js';
import type { Reply, ReplySink, ReplyTarget } from '../../core/reply/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import type { ConversationStore } from '../../core/thread/ports.js';
import { setSuggestedPrompts } from './set-suggested-prompts.js';

/** What the decorator needs. */
export interface ThreadPromptsOptions {
  client: WebClient;
  registry: AgentRegistry;
  store: ConversationStore;
  logger: Logger;
  onSlackError?: (method: string, code: string) => void;
}

/**
 * Wraps the reply sink so that, after an answer in a DM thread bound to an agent other than the
 * default, that agent's suggested prompts are offered for the follow-up.
 *
 * Why after the answer: in the agent view a prompt call cannot name a thread (see
 * `set-suggested-prompts.ts`); it lands on the DM's latest message, which right after an answer
 * is that thread's. `app_context_changed` tells what the person looks at elsewhere in Slack (a
 * channel, a canvas), not which DM thread is open, so it cannot choose the agent. Opening the
 * Messages tab sets the default agent's prompts again (a new conversation starts with it).
 * The thread's binding (not the agent that answered one turn by name) decides, since follow-ups
 * go to it. Runs after `finish` resolves, never delays or fails the answer.
 */
export function withThreadPrompts(sink: ReplySink, options: ThreadPromptsOptions): ReplySink {
  const { registry, store } = options;

  async function offerPrompts(target: ReplyTarget): Promise<void> {
    const context = { team: target.teamId, channel: target.channelId, thread: target.threadTs, turnId: target.turnId };
    try {
      const thread = await store.getThread({ teamId: target.teamId, channelId: target.channelId, threadTs: target.threadTs });
      const bound = thread ? registry.find(thread.agentName) : undefined;
      if (!bound || bound.name === registry.defaultAgent().name) return;
      const done = await setSuggestedPrompts(options.client, target.channelId, chooseSuggestedPrompts(bound), { ...options, context: { ...context, agent: bound.name } });
      if (done) options.logger.debug({ ...context, agent: bound.name }, 'suggested prompts set for the thread’s agent');
    } catch (error) {
      options.logger.warn({ ...context, err: error }, 'could not choose suggested prompts for a DM thread');
    }
  }

  function wrap(reply: Reply, target: ReplyTarget): Reply {
    const finish: Reply['finish'] = async (ending) => {
      await reply.finish(ending);
      if (!reply.stopped.aborted) void offerPrompts(target);
    };
    // A proxy, so whatever else the reply offers (now or later) passes through unchanged.
    return new Proxy(reply, {
      get(inner, property) {
        if (property === 'finish') return finish;
        const value: unknown = Reflect.get(inner, property, inner);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
      },
    });
  }

  return new Proxy(sink, {
    get(inner, property) {
      if (property === 'open') return (target: ReplyTarget) => (target.isDirectMessage ? wrap(inner.open(target), target) : inner.open(target));
      const value: unknown = Reflect.get(inner, property, inner);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
    },
  });
}
