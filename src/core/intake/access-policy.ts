/**
 * Who may ask the crew. Each list is optional: undefined means "no restriction".
 * A question must pass every list that is set.
 */
export interface AccessPolicy {
  /** Workspaces (T…) the crew answers in. */
  allowedTeamIds?: readonly string[];
  /** Channels (C…/G…) the crew answers in. Direct messages are not channel-restricted. */
  allowedChannelIds?: readonly string[];
  /** People (U…/W…) the crew answers. */
  allowedUserIds?: readonly string[];
}

/** Who is asking, and where. */
export interface Asker {
  teamId: string;
  channelId: string;
  userId: string;
  isDirectMessage: boolean;
}

/** Why a question was refused before reaching the model (also the metrics label). */
export type RefusalReason = 'team_not_allowed' | 'channel_not_allowed' | 'user_not_allowed' | 'rate_limited' | 'budget_exceeded' | 'store_unavailable';

/**
 * The access decision. A refused question gets `reply: 'private'` (a short note only the asker
 * sees) or `reply: 'none'` — a workspace that is not on the list hears nothing: the crew does
 * not advertise itself where it was never meant to run.
 */
export type AccessDecision =
  | { allowed: true }
  | { allowed: false; reason: Exclude<RefusalReason, 'rate_limited' | 'budget_exceeded' | 'store_unavailable'>; reply: 'private' | 'none' };

function isListed(list: readonly string[] | undefined, id: string): boolean {
  return list === undefined || list.includes(id);
}

/**
 * Decides whether the crew answers this asker here. Pure: no I/O, so it runs before any
 * state is touched and costs nothing for refused questions.
 */
export function decideAccess(policy: AccessPolicy, asker: Asker): AccessDecision {
  if (!isListed(policy.allowedTeamIds, asker.teamId)) {
    return { allowed: false, reason: 'team_not_allowed', reply: 'none' };
  }
  if (!asker.isDirectMessage && !isListed(policy.allowedChannelIds, asker.channelId)) {
    return { allowed: false, reason: 'channel_not_allowed', reply: 'private' };
  }
  if (!isListed(policy.allowedUserIds, asker.userId)) {
    return { allowed: false, reason: 'user_not_allowed', reply: 'private' };
  }
  return { allowed: true };
}

/** The words a refused asker reads (short, polite, no internals). */
export function describeRefusal(reason: RefusalReason, retryAfterMs = 0): string {
  switch (reason) {
    case 'channel_not_allowed':
      return "Sorry, the crew isn't enabled in this channel. Ask in a channel where it is, or send me a direct message.";
    case 'user_not_allowed':
      return "Sorry, the crew isn't enabled for your account. Ask your workspace admin if you need access.";
    case 'team_not_allowed':
      return "Sorry, the crew isn't enabled in this workspace.";
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      const wait = seconds < 90 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
      return `⏳ You're asking faster than I can keep up. Please try again in about ${wait}.`;
    }
    case 'budget_exceeded':
      return "🪙 The crew's daily token budget here is used up, so I didn't send your question to Claude. `/crew usage` shows today's use.";
    case 'store_unavailable':
      return "⚠️ I can't reach my memory store right now, so I can't answer yet. I'll keep trying for a few minutes; if no answer appears here, please ask again later.";
  }
}
