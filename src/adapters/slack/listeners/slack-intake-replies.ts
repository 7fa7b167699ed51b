import type { AgentRegistry } from '../../../core/agents/agent-registry.js';
import type { IntakeReplies } from '../../../core/intake/ports.js';
import type { ReplySink, ReplyTarget } from '../../../core/reply/ports.js';

/** Where an event's asker hears back: ephemeral notes and thread messages, as the default agent. */
export function createSlackIntakeReplies(
  sink: ReplySink,
  registry: AgentRegistry,
  where: { teamId: string; channelId: string; threadTs: string; userId: string; isDirectMessage: boolean },
): IntakeReplies {
  const agent = registry.defaultAgent();
  const target: ReplyTarget = {
    teamId: where.teamId,
    channelId: where.channelId,
    threadTs: where.threadTs,
    recipientUserId: where.userId,
    isDirectMessage: where.isDirectMessage,
    agent: { name: agent.name, displayName: agent.displayName, iconEmoji: agent.iconEmoji },
  };
  return {
    tellPrivately: (text) => sink.postPrivateNotice(target, text),
    tellInThread: (text) => sink.postNotice(target, text),
  };
}
