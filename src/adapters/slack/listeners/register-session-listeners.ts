import type { App } from '@slack/bolt';
import type { StopRequestBus } from '../../../core/sessions/ports.js';
import type { Clock, Logger } from '../../../core/shared/ports.js';

/** Dependencies of the agent-session listeners. */
export interface SessionListenerOptions {
  stopRequests: StopRequestBus;
  logger: Logger;
  clock: Clock;
}

/** The `agent_session_stopped` event as Slack sends it (team id on the envelope). */
interface AgentSessionStoppedEvent {
  type: 'agent_session_stopped';
  channel?: string;
  thread_ts?: string;
  user?: string;
  streaming_message_ts?: unknown;
  event_ts?: string;
}

/**
 * Registers Slack's native Stop of an agent session. The press may reach a replica that is not
 * running the answer, so it is published to every replica (`StopRequestBus`); the one running
 * that thread's answer stops it (`SlackReplySink.stopThread`). A Stop is idempotent, so a
 * redelivered event needs no exactly-once claim.
 */
export function registerSessionListeners(app: App, options: SessionListenerOptions): void {
  const { stopRequests, logger, clock } = options;
  app.event('agent_session_stopped', async ({ event, body }) => {
    const stopped = event as unknown as AgentSessionStoppedEvent;
    const teamId = (body as { team_id?: string }).team_id;
    const context = { team: teamId, channel: stopped.channel, thread: stopped.thread_ts, user: stopped.user, eventId: (body as { event_id?: string }).event_id };
    if (!teamId || !stopped.channel || !stopped.thread_ts || !stopped.user) {
      logger.warn(context, 'ignored an agent_session_stopped event without a team, channel, thread or user');
      return;
    }
    const messageTs = Array.isArray(stopped.streaming_message_ts) ? stopped.streaming_message_ts.filter((ts): ts is string => typeof ts === 'string') : [];
    try {
      await stopRequests.publish({ thread: { teamId, channelId: stopped.channel, threadTs: stopped.thread_ts }, userId: stopped.user, messageTs, at: clock.now() });
      logger.info({ ...context, messageTs }, 'Stop pressed on an agent session; asked every replica to stop the answer');
    } catch (error) {
      logger.error({ ...context, err: error }, 'could not pass on a Stop press: the answer goes on');
    }
  });
}
