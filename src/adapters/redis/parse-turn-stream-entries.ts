import type { ThreadKey } from '../../core/thread/thread-key.js';

/** A wake-up entry of the turns stream: "thread `threadKey` may have jobs to run". */
export interface TurnStreamEntry {
  /** Stream entry id. */
  id: string;
  /** Undefined when the entry's fields are missing or malformed (it is then just acknowledged). */
  threadKey: ThreadKey | undefined;
}

/** Field/value pairs written in each wake-up entry for `key` (XADD arguments after the id). */
export function formatTurnStreamFields(key: ThreadKey, formattedKey: string): string[] {
  return ['thread', formattedKey, 'team', key.teamId, 'channel', key.channelId, 'ts', key.threadTs];
}

/**
 * Parses a list of raw stream entries (`[[id, [field, value, ...]], ...]`, as XREADGROUP and
 * XAUTOCLAIM return them) into wake-up entries. Items that are not entries are skipped.
 */
export function parseTurnStreamEntries(raw: unknown): TurnStreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: TurnStreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    const fields = new Map<string, string>();
    const pairs: unknown = item[1];
    if (Array.isArray(pairs)) {
      for (let index = 0; index + 1 < pairs.length; index += 2) {
        fields.set(String(pairs[index]), String(pairs[index + 1]));
      }
    }
    const teamId = fields.get('team');
    const channelId = fields.get('channel');
    const threadTs = fields.get('ts');
    const complete = teamId !== undefined && channelId !== undefined && threadTs !== undefined;
    entries.push({ id: item[0], threadKey: complete ? { teamId, channelId, threadTs } : undefined });
  }
  return entries;
}
