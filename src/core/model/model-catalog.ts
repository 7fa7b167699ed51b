/** A model the API key can use, as the models list reports it. */
export interface KnownModel {
  id: string;
  /** Epoch ms of its release (newest wins within a family). */
  createdAt: number;
  /** Input tokens it accepts (its context window less the answer). */
  maxInputTokens?: number;
  /** Most tokens one answer may have. */
  maxOutputTokens?: number;
}

/** The families an agent file may name by alias. */
export type ModelFamily = 'sonnet' | 'opus' | 'haiku' | 'fable';

export const MODEL_FAMILIES: readonly ModelFamily[] = ['sonnet', 'opus', 'haiku', 'fable'];

/**
 * Today's lineup (Anthropic's models overview, late 2026), used only when the models list cannot
 * be read at start: Fable 5.2, Opus 5.5 and Sonnet 5.5 with 1M-token windows and 128K answers,
 * Haiku 4.5 with 200K and 64K. The live list always wins.
 */
export const FALLBACK_MODELS: readonly KnownModel[] = [
  { id: 'claude-fable-5-2', createdAt: Date.UTC(2026, 10, 1), maxInputTokens: 1_000_000, maxOutputTokens: 128_000 },
  { id: 'claude-sonnet-5-5', createdAt: Date.UTC(2026, 8, 28), maxInputTokens: 1_000_000, maxOutputTokens: 128_000 },
  { id: 'claude-opus-5-5', createdAt: Date.UTC(2026, 8, 1), maxInputTokens: 1_000_000, maxOutputTokens: 128_000 },
  { id: 'claude-haiku-4-5', createdAt: Date.UTC(2025, 9, 15), maxInputTokens: 200_000, maxOutputTokens: 64_000 },
];

/** The family a model id belongs to (`claude-sonnet-5-5` → `sonnet`), if any. */
export function familyOf(modelId: string): ModelFamily | undefined {
  return MODEL_FAMILIES.find((family) => modelId.startsWith(`claude-${family}-`));
}

/** The newest model of a family in the list. */
export function newestOfFamily(models: readonly KnownModel[], family: ModelFamily): KnownModel | undefined {
  let newest: KnownModel | undefined;
  for (const model of models) {
    if (familyOf(model.id) === family && (newest === undefined || model.createdAt > newest.createdAt)) newest = model;
  }
  return newest;
}
