import type { BudgetRefusal } from '../budget/decide-budget.js';
import { formatBudgetReset, formatTokenCount } from '../budget/format-budget-figures.js';

/**
 * The private note a person reads when their question is past a daily token budget: which
 * budget, how far it is used, and when it resets. The question never reached the model.
 */
export function describeBudgetRefusal(refusal: BudgetRefusal, nowMs: number): string {
  const whose = refusal.scope === 'team' ? "This workspace's" : "This channel's";
  return (
    `🪙 ${whose} daily token budget for the crew is used up ` +
    `(${formatTokenCount(refusal.used)} of ${formatTokenCount(refusal.limit)} budget tokens), so I didn't send your question to Claude. ` +
    `It resets at ${formatBudgetReset(refusal.resetsAtMs, nowMs)}; \`/crew usage\` shows today's use.`
  );
}
