import type { SlackReplySink } from '../adapters/slack/slack-reply-sink.js';
import type { AgentRegistry } from '../core/agents/agent-registry.js';
import type { Logger } from '../core/shared/ports.js';
import type { ThreadKey } from '../core/thread/thread-key.js';

/**
 * The person asked to end the thread's session ("end session"): it is closed in Slack and they
 * are told privately. False when there was no session to close (sessions off or refused here):
 * the reply is then answered as a question.
 */
export async function endAgentSession(
  sink: SlackReplySink,
  registry: AgentRegistry,
  logger: Logger,
  where: ThreadKey & { userId: string; isDirectMessage: boolean },
): Promise<boolean> {
  if (!(await sink.closeSession(where))) return false;
  logger.info({ team: where.teamId, channel: where.channelId, thread: where.threadTs, user: where.userId }, 'agent session ended by the person');
  const agent = registry.defaultAgent();
  await sink
    .postPrivateNotice(
      { ...where, recipientUserId: where.userId, agent: { name: agent.name, displayName: agent.displayName, iconEmoji: agent.iconEmoji } },
      '🔚 Session ended. Ask again in this thread any time to pick it back up.',
    )
    .catch((error: unknown) => logger.warn({ err: error, channel: where.channelId }, 'could not confirm that the session ended'));
  return true;
}
