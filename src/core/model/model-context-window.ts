/** Context window assumed for a model id the table does not know. */
export const DEFAULT_CONTEXT_WINDOW_TOKENS = 200_000;

/**
 * Context windows (input + output tokens) by model id prefix, most specific first. Every current
 * Claude model has 200k tokens by default (1M for some Sonnet models only behind a beta header,
 * which the crew does not send); the table is where a model with another window goes.
 */
const contextWindows: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['claude-opus-4', 200_000],
  ['claude-sonnet-4', 200_000],
  ['claude-haiku-4', 200_000],
  ['claude-3', 200_000],
];

/** The context window of `modelId` in tokens (input and output together). */
export function modelContextWindow(modelId: string, overrides: Readonly<Record<string, number>> = {}): number {
  const exact = overrides[modelId];
  if (exact !== undefined) return exact;
  for (const [prefix, tokens] of contextWindows) {
    if (modelId.startsWith(prefix)) return tokens;
  }
  return DEFAULT_CONTEXT_WINDOW_TOKENS;
}
