/** The longest period `crew feedback --since` accepts: votes are not kept longer than a year. */
export const maxFeedbackPeriodDays = 365;

const unitMs = { h: 60 * 60 * 1000, d: 24 * 60 * 60 * 1000, w: 7 * 24 * 60 * 60 * 1000 } as const;

/**
 * Reads a period such as `7d`, `24h` or `2w` into milliseconds; undefined when it is not a
 * whole positive number of hours, days or weeks up to {@link maxFeedbackPeriodDays} days.
 */
export function parseFeedbackPeriod(text: string): number | undefined {
  const match = /^(\d{1,4})([hdw])$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const ms = amount * unitMs[match[2] as keyof typeof unitMs];
  if (amount === 0 || ms > maxFeedbackPeriodDays * unitMs.d) return undefined;
  return ms;
}

/** The UTC days (`YYYY-MM-DD`) from `sinceMs` to `untilMs`, both included, oldest first. */
export function listUtcDays(sinceMs: number, untilMs: number): string[] {
  const days: string[] = [];
  const start = new Date(sinceMs);
  for (let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()); day <= untilMs; day += unitMs.d) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

/** The UTC day (`YYYY-MM-DD`) a time falls in: the day index a vote is filed under. */
export function findFeedbackDay(atMs: number): string {
  return new Date(atMs).toISOString().slice(0, 10);
}
