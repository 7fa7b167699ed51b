/** Ports of the channel settings: the agent a channel's bare questions reach. */

/** A channel in a workspace (the same channel id can be shared between workspaces). */
export interface ChannelKey {
  teamId: string;
  channelId: string;
}

/** A channel's default agent, with who set it and when. */
export interface ChannelDefault {
  /** Canonical name of the agent (it may since have left the crew: resolve it through the registry). */
  agentName: string;
  /** Slack user id of the person who set it. */
  setBy: string;
  /** Epoch ms when it was set. */
  setAt: number;
}

/**
 * The default agent of each channel, shared by every replica (Redis in production). A default
 * is durable setting rather than a cache, but every key needs an end: it is kept for a long
 * lifetime that each set and each read renews, so only a channel nobody asks in for that long
 * forgets it. Failures to reach the backend throw `StoreUnavailableError`.
 */
export interface ChannelDefaults {
  /** The channel's default, if one is set (renews its lifetime). */
  get(channel: ChannelKey): Promise<ChannelDefault | undefined>;
  /** Sets (or replaces) the channel's default. */
  set(channel: ChannelKey, value: ChannelDefault): Promise<void>;
  /** Removes the channel's default (nothing happens when none is set). */
  clear(channel: ChannelKey): Promise<void>;
}
