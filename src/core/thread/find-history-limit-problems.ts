/**
 * Problems with a conversation store's limits, shared by every store: history expires after
 * a positive whole number of milliseconds and is kept in whole question/answer pairs.
 */
export function findHistoryLimitProblems(retentionMs: number, maxTurns: number): string[] {
  const problems: string[] = [];
  if (!Number.isSafeInteger(retentionMs) || retentionMs < 1) {
    problems.push(`conversation store retentionMs must be a positive integer, got ${retentionMs}`);
  }
  if (!Number.isSafeInteger(maxTurns) || maxTurns < 2 || maxTurns % 2 !== 0) {
    problems.push(`conversation store maxTurns must be an even integer >= 2, got ${maxTurns}`);
  }
  return problems;
}
