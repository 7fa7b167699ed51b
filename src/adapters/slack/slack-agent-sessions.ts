import type { WebClient } from '@slack/web-api';
import type { ReplyTarget } from '../../core/reply/ports.js';
import type { Logger } from '../../core/shared/ports.js';
import { readSlackError } from './read-slack-error.js';
import { callSlack, fatalSlackCodes } from './slack-call.js';

/** The lifecycle states Slack accepts for an agent session (`agents.sessions.setStatus`). */
export type AgentSessionStatus = 'processing' | 'active' | 'suspended' | 'closed';

/** Options of {@link SlackAgentSessions}. */
export interface SlackAgentSessionsOptions {
  client: WebClient;
  logger: Logger;
  onSlackError?: (method: string, code: string) => void;
  /** Off (`AGENT_SESSIONS=off`): never call the session methods. Default on. */
  enabled?: boolean;
}

/** Codes that say nothing about sessions themselves: a retry later may work, so they never switch sessions off. */
const passingCodes = new Set(['ratelimited', 'slack_webapi_request_error', 'ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'fatal_error', 'internal_error', 'request_timeout', 'service_unavailable']);

/**
 * A thread's agent session in Slack: `processing` while a turn runs (Slack then shows its native
 * Stop), `active` once answered, `closed` when the thread is over. Where Slack answers that the
 * app cannot have sessions (not declared as an agent, a missing feature or scope — any refusal
 * that is not a rate limit, an outage or a dead token), sessions are switched off for that
 * workspace for the life of the process and the reason is logged once; answers go on with the
 * thread status line and the stream's own Stop, and the turn never fails for it.
 */
export class SlackAgentSessions {
  private readonly refusedBy = new Map<string, string>();

  constructor(private readonly options: SlackAgentSessionsOptions) {}

  /** Whether sessions are used in this workspace (not switched off, not refused so far). */
  inUse(teamId: string): boolean {
    return this.options.enabled !== false && !this.refusedBy.has(teamId);
  }

  /**
   * Sets the session's status; `title` and the initiator only count when Slack creates the
   * session with this call. Returns the title Slack reports, or undefined when not in use/failed.
   */
  async setStatus(target: ReplyTarget, status: AgentSessionStatus, created: { title?: string } = {}): Promise<{ title?: string } | undefined> {
    if (!this.inUse(target.teamId)) return undefined;
    const args = {
      channel_id: target.channelId,
      thread_ts: target.threadTs,
      status,
      ...(created.title ? { title: created.title } : {}),
      ...(status === 'processing' ? { initiator_user_id: target.recipientUserId } : {}),
      username: target.agent.displayName,
      ...(target.agent.iconEmoji ? { icon_emoji: target.agent.iconEmoji } : {}),
    };
    const response = await this.call<{ title?: string }>('agents.sessions.setStatus', args, target, status);
    return response ? { ...(typeof response.title === 'string' ? { title: response.title } : {}) } : undefined;
  }

  /** Closes a thread's session (its conversation is over). True when Slack took it. */
  async close(thread: { teamId: string; channelId: string; threadTs: string }): Promise<boolean> {
    if (!this.inUse(thread.teamId)) return false;
    const response = await this.call('agents.sessions.setStatus', { channel_id: thread.channelId, thread_ts: thread.threadTs, status: 'closed' }, thread, 'closed');
    return response !== undefined;
  }

  /** Renames the session (its title in the person's session list). */
  async rename(target: ReplyTarget, title: string): Promise<void> {
    if (!this.inUse(target.teamId)) return;
    await this.call('agents.sessions.rename', { channel_id: target.channelId, thread_ts: target.threadTs, title }, target, 'rename');
  }

  /** Calls a session method; `where` is the thread, for the log. */
  private async call<T>(method: string, args: Record<string, unknown>, where: { teamId: string; channelId: string; threadTs: string }, what: string): Promise<T | undefined> {
    const { logger } = this.options;
    try {
      return await callSlack<T>(this.options.client, method, args, { logger, maxAttempts: 2, timeBudgetMs: 5_000, onError: this.options.onSlackError });
    } catch (error) {
      const { code } = readSlackError(error);
      const context = { method, code, status: what, team: where.teamId, channel: where.channelId, thread: where.threadTs };
      if (passingCodes.has(code) || fatalSlackCodes.has(code)) {
        logger.warn(context, 'could not update the agent session; answering goes on');
        return undefined;
      }
      if (!this.refusedBy.has(where.teamId)) {
        this.refusedBy.set(where.teamId, code);
        logger.warn(context, `Slack refused agent sessions (${code}); using the thread status and the stream's Stop in this workspace instead`);
      }
      return undefined;
    }
  }
}
