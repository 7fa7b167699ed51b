import { readFileSync } from 'node:fs';
import { nextTs } from './slack-event-builders.js';

/** Where a Stop was pressed. */
export interface SessionStopFields {
  channel: string;
  threadTs: string;
  /** The streaming messages Slack names (default none). */
  streamingMessageTs?: string[];
  user?: string;
  teamId?: string;
}

/**
 * An `agent_session_stopped` event callback: the inner event is Slack's documented one
 * (docs.slack.dev/reference/events/agent_session_stopped), wrapped in the `event_callback`
 * envelope every event arrives in (`team_id`, `event_id`, `event_time`).
 */
export function buildSessionStoppedEvent(fields: SessionStopFields) {
  const documented = JSON.parse(
    readFileSync(new URL('../fixtures/slack-payloads/agent_session_stopped_inner_event.docs.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const eventTs = nextTs();
  const teamId = fields.teamId ?? 'T111';
  return {
    token: 'verification-token',
    team_id: teamId,
    api_app_id: 'A111',
    type: 'event_callback',
    event_id: `Ev${eventTs.replace('.', '')}s`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    event: {
      ...documented,
      channel: fields.channel,
      thread_ts: fields.threadTs,
      user: fields.user ?? 'U222',
      streaming_message_ts: fields.streamingMessageTs ?? [],
      event_ts: eventTs,
    },
  };
}
