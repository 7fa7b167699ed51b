/**
 * Conservative token estimate for text the model has not counted yet. Claude's tokenizer
 * averages ~3.5–4 characters per token for English and fewer for code or non-Latin text;
 * 3 characters per token over-estimates on purpose so a budget built on it cannot overflow.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3) + 4;
}
