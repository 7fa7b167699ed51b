/** What a model accepts beyond the basics. */
export interface ModelCapabilities {
  /** Adaptive thinking with a `display` choice, and `output_config.effort`. */
  adaptiveThinking: boolean;
}

/**
 * The 5-series (Sonnet, Opus, Fable) think adaptively and take an effort level; Haiku 4.5 and older
 * models do neither (sending them is a 400). Unknown ids are treated as the older kind.
 */
export function capabilitiesOf(modelId: string): ModelCapabilities {
  return { adaptiveThinking: /^claude-(sonnet|opus|fable)-5/.test(modelId) };
}
