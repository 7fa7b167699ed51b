/** Model ids the agent-file shorthands `sonnet`, `opus` and `haiku` stand for. */
export interface ModelAliases {
  sonnet: string;
  opus: string;
  haiku: string;
}

/** Default ids for the shorthands (config `CLAUDE_MODEL_SONNET` / `_OPUS` / `_HAIKU` override them). */
export const DEFAULT_MODEL_ALIASES: Readonly<ModelAliases> = Object.freeze({
  sonnet: 'claude-sonnet-4-6',
  opus: 'claude-opus-4-8',
  haiku: 'claude-haiku-4-5',
});

/** Options for `resolveModelId`. */
export interface ResolveModelIdOptions {
  /** Model for `inherit` or no model (config `CLAUDE_MODEL`). */
  defaultModel: string;
  /** Ids for the shorthands; `DEFAULT_MODEL_ALIASES` when omitted. */
  aliases?: ModelAliases;
}

/**
 * Turns an agent's `model` into the model id to call: `sonnet` / `opus` / `haiku` (any case)
 * map to the configured ids; `inherit`, empty or undefined mean `defaultModel`; anything else is
 * taken as a full model id, as written (trimmed).
 */
export function resolveModelId(agentModel: string | undefined, options: ResolveModelIdOptions): string {
  const aliases = options.aliases ?? DEFAULT_MODEL_ALIASES;
  const model = agentModel?.trim() ?? '';
  switch (model.toLowerCase()) {
    case '':
    case 'inherit':
      return options.defaultModel;
    case 'sonnet':
      return aliases.sonnet;
    case 'opus':
      return aliases.opus;
    case 'haiku':
      return aliases.haiku;
    default:
      return model;
  }
}
