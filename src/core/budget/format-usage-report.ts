import type { DailyBudgets } from './decide-budget.js';
import { findBudgetDay } from './find-budget-day.js';
import { formatBudgetReset, formatBudgetShare, formatTokenCount } from './format-budget-figures.js';
import type { SpendTotals } from './ports.js';

/** What `/crew usage` reports on. */
export interface UsageReportInput {
  budgets: DailyBudgets;
  /** Today's totals for the asker's workspace and channel (one `SpendLedger.read`). */
  used: SpendTotals;
  nowMs: number;
  /** Asked in a DM: the channel line then says "this conversation". */
  isDirectMessage?: boolean;
}

/**
 * The `/crew usage` text (Slack mrkdwn, shown only to the asker): today's use of the workspace
 * and of this channel against their budgets, the share used, and when the budgets reset.
 */
export function formatUsageReport(input: UsageReportInput): string {
  const { budgets, used, nowMs } = input;
  const { day, resetsAtMs } = findBudgetDay(nowMs);
  const place = input.isDirectMessage ? 'This conversation' : 'This channel';
  if (budgets.teamDailyTokens === undefined && budgets.channelDailyTokens === undefined) {
    return '*Crew token use today*\nNo daily token budgets are set here, so use is not counted. An admin can set `TEAM_DAILY_TOKEN_BUDGET` or `CHANNEL_DAILY_TOKEN_BUDGET`.';
  }
  const lines = [
    `*Crew token use today* (${day}, UTC)`,
    `• This workspace: ${describeLine(used.team, budgets.teamDailyTokens)}`,
    `• ${place}: ${describeLine(used.channel, budgets.channelDailyTokens)}`,
  ];
  if (budgets.teamDailyTokens !== undefined || budgets.channelDailyTokens !== undefined) {
    lines.push(`Budgets reset at ${formatBudgetReset(resetsAtMs, nowMs)}.`);
  }
  lines.push('_Budget tokens count what tokens cost: one is an input token; an output token counts 5, a cache write 1.25, a cache read 0.1._');
  return lines.join('\n');
}

function describeLine(used: number, limit: number | undefined): string {
  if (limit === undefined) return `${formatTokenCount(used)} budget tokens (no limit)`;
  const line = `${formatTokenCount(used)} of ${formatTokenCount(limit)} budget tokens (${formatBudgetShare(used, limit)})`;
  return used >= limit ? `${line} — used up: new questions wait for the reset` : line;
}
