import type { ModelUsage } from '../model/ports.js';

/**
 * What one token of each kind counts for in a budget, in **budget tokens**. One budget token is
 * the price of one uncached input token: Anthropic bills cache writes (5-minute cache) at 1.25×
 * the input price, cache reads at 0.1×, and output at 5× for every current model (Haiku, Sonnet,
 * Opus: $1/$5, $3/$15, $5/$25 per million). So a budget of N budget tokens is "as much as N
 * input tokens would cost", whatever the mix, and the same budget buys the same money's worth on
 * any of these models (not across models: an Opus token costs more than a Haiku token).
 */
export const budgetTokenWeights = {
  inputTokens: 1,
  cacheWriteTokens: 1.25,
  cacheReadTokens: 0.1,
  outputTokens: 5,
} as const satisfies Record<keyof ModelUsage, number>;

/**
 * Turns the usage the model reported into budget tokens (a whole number, rounded up so many
 * small cache reads never count as nothing). Negative or missing counts count as 0.
 */
export function weighUsage(usage: ModelUsage): number {
  // In hundredths, so 1.25 and 0.1 stay exact integers before the one rounding.
  const hundredths =
    count(usage.inputTokens) * 100 +
    count(usage.cacheWriteTokens) * 125 +
    count(usage.cacheReadTokens) * 10 +
    count(usage.outputTokens) * 500;
  return Math.ceil(hundredths / 100);
}

function count(tokens: number): number {
  return Number.isFinite(tokens) && tokens > 0 ? Math.floor(tokens) : 0;
}
