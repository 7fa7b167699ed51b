import type { UserDirectory } from '../thread/ports.js';

/** Most names looked up for one turn; authors past it are shown by id (a long seeded thread must not fan out). */
const MAX_LOOKUPS = 20;

/**
 * Display names of `userIds` (each looked up once, at most {@link MAX_LOOKUPS}, concurrently),
 * by id. Ids without a name — no directory, past the bound, or the directory had none — are
 * absent: the caller shows the id.
 */
export async function resolveDisplayNames(
  directory: UserDirectory | undefined,
  teamId: string,
  userIds: Iterable<string>,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!directory) return names;
  const distinct = [...new Set(userIds)].slice(0, MAX_LOOKUPS);
  const found = await Promise.all(
    distinct.map((userId) => directory.displayNameOf(teamId, userId).catch(() => undefined)),
  );
  distinct.forEach((userId, index) => {
    const name = found[index];
    if (name !== undefined) names.set(userId, name);
  });
  return names;
}
