/**
 * Ports of the spend control: the daily token ledger every replica shares. The core owns these
 * shapes; adapters (Redis, memory) implement them.
 */

/** What a daily token budget applies to: the whole workspace, or one channel (a DM counts as one). */
export type BudgetScope = 'team' | 'channel';

/** The two scopes one question counts against. */
export interface SpendScopeKeys {
  /** Workspace id (T…). Both scopes of a question live under it (one Redis Cluster slot). */
  teamId: string;
  /** Channel id (C…/G…/D…) within that workspace. */
  channelId: string;
}

/** Budget tokens used so far in one UTC day, per scope (0 when nothing was recorded). */
export interface SpendTotals {
  team: number;
  channel: number;
}

/**
 * Budget tokens used per workspace and per channel per UTC day, shared by every replica.
 * Each call is one round trip to the backend and covers both scopes of a question, so
 * admission costs one read and a finished turn one write. Failures to reach the backend
 * throw `StoreUnavailableError`.
 */
export interface SpendLedger {
  /** Today's totals of both scopes. `day` is a UTC date, `YYYY-MM-DD` (see `findBudgetDay`). */
  read(scopes: SpendScopeKeys, day: string): Promise<SpendTotals>;
  /**
   * Adds `weightedTokens` (a non-negative whole number, see `weighUsage`) to both scopes of
   * `day` atomically and returns the totals after it. A day's entries expire on their own
   * (about two days after their last write), so the ledger never needs cleaning.
   */
  record(scopes: SpendScopeKeys, weightedTokens: number, day: string): Promise<SpendTotals>;
}
