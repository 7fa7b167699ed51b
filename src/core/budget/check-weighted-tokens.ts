/**
 * Guards `SpendLedger.record`: a record is a non-negative whole number of budget tokens (see
 * `weighUsage`). Anything else is a bug in the caller, so it throws rather than corrupting the
 * shared counters (Redis INCRBY would reject a fraction only after half a script ran).
 */
export function checkWeightedTokens(weightedTokens: number): void {
  if (!Number.isSafeInteger(weightedTokens) || weightedTokens < 0) {
    throw new RangeError(`weighted tokens must be a non-negative whole number, got ${weightedTokens}`);
  }
}
