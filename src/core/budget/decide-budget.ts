import { findBudgetDay } from './find-budget-day.js';
import type { BudgetScope, SpendTotals } from './ports.js';

/** Daily budgets in budget tokens (see `weighUsage`); undefined = no limit for that scope. */
export interface DailyBudgets {
  /** `TEAM_DAILY_TOKEN_BUDGET`: per workspace per UTC day. */
  teamDailyTokens?: number;
  /** `CHANNEL_DAILY_TOKEN_BUDGET`: per channel (each DM is one) per UTC day. */
  channelDailyTokens?: number;
}

/** A budget that is used up: which one, its limit, today's use and when it resets. */
export interface BudgetRefusal {
  scope: BudgetScope;
  /** The budget, in budget tokens. */
  limit: number;
  /** Used today; may exceed `limit`, because answers already running are never cut. */
  used: number;
  /** Next UTC midnight, ms since epoch. */
  resetsAtMs: number;
}

/** Whether a new question may reach the model. */
export type BudgetDecision = { allowed: true } | ({ allowed: false } & BudgetRefusal);

/** True when at least one budget is set (else admission needs no ledger read at all). */
export function hasAnyBudget(budgets: DailyBudgets): boolean {
  return budgets.teamDailyTokens !== undefined || budgets.channelDailyTokens !== undefined;
}

/**
 * Decides whether a new question fits today's budgets. A budget is used up once today's use
 * reaches it; the workspace budget is reported first when both are. Pure: the caller reads
 * `used` from the ledger in one round trip.
 */
export function decideBudget(budgets: DailyBudgets, used: SpendTotals, nowMs: number): BudgetDecision {
  const { resetsAtMs } = findBudgetDay(nowMs);
  const checks: Array<[BudgetScope, number | undefined]> = [
    ['team', budgets.teamDailyTokens],
    ['channel', budgets.channelDailyTokens],
  ];
  for (const [scope, limit] of checks) {
    if (limit !== undefined && used[scope] >= limit) {
      return { allowed: false, scope, limit, used: used[scope], resetsAtMs };
    }
  }
  return { allowed: true };
}
