/** One budget day: budgets count per calendar day in UTC. */
export interface BudgetDay {
  /** `YYYY-MM-DD` (UTC): the ledger's day key. */
  day: string;
  /** When the next day starts and every budget is fresh again: the next UTC midnight (ms since epoch). */
  resetsAtMs: number;
}

/**
 * The budget day `nowMs` falls in. UTC, not the workspace's time zone: every replica and every
 * workspace agree on one boundary without knowing anyone's zone, and the reset time is easy to
 * state ("00:00 UTC").
 */
export function findBudgetDay(nowMs: number): BudgetDay {
  const now = new Date(nowMs);
  return {
    day: now.toISOString().slice(0, 10),
    resetsAtMs: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1),
  };
}
