import type { Logger } from '../../core/shared/ports.js';

/** Where a Slack request came from, read from its body (never its text). */
export interface SlackRequestFields {
  /** Event type (`app_mention`, `message` …), `command`, or the interaction type. */
  kind: string;
  /** Slack's `event_id` (events) or `trigger_id` (commands, interactions). */
  eventId?: string;
  team?: string;
  channel?: string;
  thread?: string;
}

interface SlackRequestBody {
  type?: string;
  command?: string;
  event_id?: string;
  trigger_id?: string;
  team_id?: string;
  channel_id?: string;
  team?: { id?: string };
  channel?: { id?: string };
  event?: { type?: string; channel?: string; thread_ts?: string; ts?: string; team?: string };
}

/** Reads the fields that identify a Slack request in logs. */
export function readSlackRequestFields(body: unknown): SlackRequestFields {
  const value = (body ?? {}) as SlackRequestBody;
  if (value.command) {
    return { kind: 'command', eventId: value.trigger_id, team: value.team_id, channel: value.channel_id };
  }
  if (value.event) {
    return {
      kind: value.event.type ?? 'event',
      eventId: value.event_id,
      team: value.team_id ?? value.event.team,
      channel: value.event.channel,
      thread: value.event.thread_ts ?? value.event.ts,
    };
  }
  return { kind: value.type ?? 'other', eventId: value.trigger_id, team: value.team?.id, channel: value.channel?.id };
}

/** Options for {@link createSlackRequestObserver}. */
export interface SlackRequestObserverOptions {
  logger: Logger;
  /** Records how long the request took to acknowledge (metrics). */
  observeAck(kind: string, seconds: number): void;
}

/** The Bolt middleware arguments this observer reads. */
export interface ObservedSlackRequest {
  body: unknown;
  context: { retryNum?: number; retryReason?: string };
  next: () => Promise<void>;
}

/**
 * A Bolt global middleware that times each Slack request from Bolt handing it over to the
 * listeners being done (with `processBeforeResponse` that is when Slack gets its ack, after
 * the question is durably queued), logs it at debug, and logs failures (Slack will retry).
 */
export function createSlackRequestObserver(options: SlackRequestObserverOptions) {
  return async function observeSlackRequest({ body, context, next }: ObservedSlackRequest): Promise<void> {
    const startedAt = performance.now();
    const fields = readSlackRequestFields(body);
    const retry = context.retryNum ? { retryNum: context.retryNum, retryReason: context.retryReason } : {};
    options.logger.debug({ ...fields, ...retry }, 'slack request received');
    try {
      await next();
    } catch (error) {
      options.logger.error({ ...fields, ...retry, err: error }, 'slack request failed; Slack will retry it');
      throw error;
    } finally {
      options.observeAck(fields.kind, (performance.now() - startedAt) / 1000);
    }
  };
}
