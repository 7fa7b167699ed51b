import type { ModelUsage } from '../model/ports.js';
import { decideBudget, hasAnyBudget, type BudgetDecision, type DailyBudgets } from './decide-budget.js';
import { findBudgetDay } from './find-budget-day.js';
import { formatUsageReport } from './format-usage-report.js';
import type { SpendLedger, SpendScopeKeys, SpendTotals } from './ports.js';
import { weighUsage } from './weigh-usage.js';

/** Options of {@link createSpendControl}. */
export interface SpendControlOptions {
  ledger: SpendLedger;
  budgets: DailyBudgets;
  /** Time source (the budget day is read from it on every call). */
  clock: { now(): number };
}

/**
 * The daily token budgets, as the intake and the `/crew usage` command use them. Every method
 * is at most one ledger round trip; ledger failures reject with `StoreUnavailableError`.
 */
export interface SpendControl {
  /**
   * Admission: may a new question from these scopes reach the model? One ledger read, none at
   * all when no budget is set. Call it before queueing; an answer already running is never cut.
   */
  check(scopes: SpendScopeKeys): Promise<BudgetDecision>;
  /**
   * Counts what a model call used (finished, stopped or failed: every attempt Anthropic billed)
   * against both scopes of today. One ledger write; none when the usage weighs 0 or no budget is
   * set. Returns the weighed budget tokens.
   */
  record(scopes: SpendScopeKeys, usage: ModelUsage): Promise<number>;
  /** Today's totals of both scopes (one ledger read). */
  readToday(scopes: SpendScopeKeys): Promise<SpendTotals>;
  /** The `/crew usage` text for these scopes (one ledger read). */
  describeUsage(scopes: SpendScopeKeys, options?: { isDirectMessage?: boolean }): Promise<string>;
}

/** Creates the spend control over a ledger and the configured budgets. */
export function createSpendControl(options: SpendControlOptions): SpendControl {
  const { ledger, budgets, clock } = options;
  const readToday = (scopes: SpendScopeKeys) => ledger.read(scopes, findBudgetDay(clock.now()).day);

  return {
    async check(scopes) {
      if (!hasAnyBudget(budgets)) return { allowed: true };
      const nowMs = clock.now();
      const used = await ledger.read(scopes, findBudgetDay(nowMs).day);
      return decideBudget(budgets, used, nowMs);
    },
    async record(scopes, usage) {
      const weighted = weighUsage(usage);
      // Counted only while a budget is set: without one nothing reads the counters, and a turn
      // is spared a Redis round trip.
      if (weighted > 0 && hasAnyBudget(budgets)) await ledger.record(scopes, weighted, findBudgetDay(clock.now()).day);
      return weighted;
    },
    readToday,
    async describeUsage(scopes, reportOptions = {}) {
      const nowMs = clock.now();
      const used = await ledger.read(scopes, findBudgetDay(nowMs).day);
      return formatUsageReport({ budgets, used, nowMs, ...reportOptions });
    },
  };
}
