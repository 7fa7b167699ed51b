/** Identifies one Slack thread: the conversation unit of the crew. */
export interface ThreadKey {
  teamId: string;
  channelId: string;
  /** `ts` of the thread's root message. */
  threadTs: string;
}

/**
 * Formats a thread key as a string usable in storage keys. The braces form a Redis Cluster
 * hash tag so that all keys of one thread live in one hash slot.
 */
export function formatThreadKey(key: ThreadKey): string {
  return `{${key.teamId}:${key.channelId}:${key.threadTs}}`;
}
