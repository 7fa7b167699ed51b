import { checkChannel, fail, requireArgs, str } from './fake-slack-args.js';
import type { SlackMethodHandler } from './fake-slack-args.js';

/** The statuses `agents.sessions.setStatus` accepts. */
export const AGENT_SESSION_STATUSES = ['active', 'processing', 'suspended', 'closed'] as const;
export type FakeSessionStatus = (typeof AGENT_SESSION_STATUSES)[number];

/** One thread's agent session as the fake keeps it. */
export interface FakeAgentSession {
  channel: string;
  threadTs: string;
  status: FakeSessionStatus;
  title?: string;
  initiatorUserId?: string;
  username?: string;
  iconEmoji?: string;
  /** Every status it had, oldest first, and what moved it there. */
  history: Array<{ status: FakeSessionStatus; by: 'agents.sessions.setStatus' | 'chat.stopStream'; at: number }>;
  /** Every title it had, oldest first. */
  titles: string[];
}

const TITLE_LIMIT = 200;

/**
 * Slack's agent sessions (docs.slack.dev: `agents.sessions.setStatus`, `agents.sessions.rename`):
 * `setStatus` creates the session on first use (its `title` and `initiator_user_id` count only
 * then), `status` must be one of active / processing / suspended / closed, `thread_ts` scopes a
 * session in a channel or DM; the answer echoes `status` and `title`. A session in `processing`
 * shows the native Stop; it does not leave `processing` by itself — `setStatus` or
 * `chat.stopStream` in its thread moves it (the latter to `active`). `refuseWith(code)` makes
 * every session call answer that error, as for an app Slack does not know as an agent.
 */
export class FakeSlackSessions {
  private readonly sessions = new Map<string, FakeAgentSession>();
  private refusal?: string;

  /** From now on every session call answers `{ok:false, error: code}` (undefined: accept again). */
  refuseWith(code: string | undefined): void {
    this.refusal = code;
  }

  /** A session Slack opened by itself (e.g. the person started one from the agent view). */
  seed(channel: string, threadTs: string, title: string, status: FakeSessionStatus = 'active'): void {
    this.sessions.set(`${channel}/${threadTs}`, { channel, threadTs, status, title, history: [], titles: [title] });
  }

  get(channel: string, threadTs: string): FakeAgentSession | undefined {
    return this.sessions.get(`${channel}/${threadTs}`);
  }

  all(): FakeAgentSession[] {
    return [...this.sessions.values()];
  }

  clear(): void {
    this.sessions.clear();
    this.refusal = undefined;
  }

  /** `chat.stopStream` ended a message in this thread: a processing session becomes active. */
  streamStopped(channel: string, threadTs: string | undefined, at: number): void {
    const session = threadTs === undefined ? undefined : this.get(channel, threadTs);
    if (session?.status !== 'processing') return;
    session.status = 'active';
    session.history.push({ status: 'active', by: 'chat.stopStream', at });
  }

  readonly methods: Record<string, SlackMethodHandler> = {
    'agents.sessions.setStatus': (args, ctx) => {
      if (this.refusal) return fail(this.refusal);
      const missing = requireArgs(args, ['channel_id', 'status']);
      if (missing) return missing;
      const channel = str(args, 'channel_id') as string;
      const channelError = checkChannel(channel, ctx, false);
      if (channelError) return channelError;
      const status = str(args, 'status') as FakeSessionStatus;
      if (!AGENT_SESSION_STATUSES.includes(status)) return fail('invalid_arguments', `status must be one of ${AGENT_SESSION_STATUSES.join(', ')}`);
      const threadTs = str(args, 'thread_ts');
      // No session channels here: every session is scoped to a thread.
      if (threadTs === undefined || threadTs === '') return fail('invalid_arguments', 'missing required field: thread_ts');
      const title = str(args, 'title');
      if (title !== undefined && title.length > TITLE_LIMIT) return fail('invalid_arguments', `title must be at most ${TITLE_LIMIT} characters`);
      let session = this.get(channel, threadTs);
      if (!session) {
        session = { channel, threadTs, status, history: [], titles: [] };
        if (title) {
          session.title = title;
          session.titles.push(title);
        }
        const initiator = str(args, 'initiator_user_id');
        if (initiator) session.initiatorUserId = initiator;
        this.sessions.set(`${channel}/${threadTs}`, session);
      }
      session.status = status;
      session.history.push({ status, by: 'agents.sessions.setStatus', at: ctx.now() });
      const username = str(args, 'username');
      if (username !== undefined) session.username = username;
      const icon = str(args, 'icon_emoji');
      if (icon !== undefined) session.iconEmoji = icon;
      return { ok: true, status, agent_status: status, ...(session.title !== undefined ? { title: session.title } : {}) };
    },
    'agents.sessions.rename': (args, ctx) => {
      if (this.refusal) return fail(this.refusal);
      const missing = requireArgs(args, ['channel_id', 'title']);
      if (missing) return missing;
      const channel = str(args, 'channel_id') as string;
      const channelError = checkChannel(channel, ctx, false);
      if (channelError) return channelError;
      const title = str(args, 'title') as string;
      if (title.length > TITLE_LIMIT) return fail('invalid_arguments', `title must be 1-${TITLE_LIMIT} characters`);
      const session = this.get(channel, str(args, 'thread_ts') ?? '');
      if (!session) return fail('session_not_found');
      session.title = title;
      session.titles.push(title);
      return { ok: true, title };
    },
  };
}
