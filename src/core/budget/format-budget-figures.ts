/**
 * How budget figures read in Slack, shared by the `/crew usage` report and the refusal note so
 * both say the same thing the same way. Plain text (no Slack date markup), so the terminal
 * (`crew ask`) prints it as well.
 */

/** `1234567` → `1,234,567` (fixed grouping, independent of the host's locale data). */
export function formatTokenCount(tokens: number): string {
  return String(Math.max(0, Math.round(tokens))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Share of a budget used, as a whole percent: `0 %`, `<1 %` for a little, `100 %` and beyond once used up. */
export function formatBudgetShare(used: number, limit: number): string {
  if (used <= 0) return '0 %';
  const percent = (used / limit) * 100;
  if (percent < 1) return '<1 %';
  // Round down so "100 %" appears only once the budget is really used up.
  return `${Math.floor(percent)} %`;
}

/** Time until the reset, roughly: `3 h 12 min`, `12 min`, `under a minute`. */
export function formatTimeUntil(untilMs: number, nowMs: number): string {
  const minutes = Math.ceil((untilMs - nowMs) / 60_000);
  if (minutes <= 1) return 'under a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${minutes} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** `00:00 UTC (in 3 h 12 min)`: budgets always reset at UTC midnight. */
export function formatBudgetReset(resetsAtMs: number, nowMs: number): string {
  return `00:00 UTC (in ${formatTimeUntil(resetsAtMs, nowMs)})`;
}
