/**
 * Who may change a channel's default agent (`CHANNEL_DEFAULT_EDITORS`): undefined or empty =
 * anyone in the channel (Slack only lets members run a slash command there); otherwise only
 * the listed user ids.
 */
export interface ChannelDefaultEditors {
  userIds?: readonly string[];
}

/** True when `userId` may set or clear the default agent of a channel. */
export function mayEditChannelDefault(editors: ChannelDefaultEditors, userId: string): boolean {
  const listed = editors.userIds ?? [];
  return listed.length === 0 || listed.includes(userId);
}
