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

/** The shorthands an agent file's `model` may use, besides a full model id. */
export const MODEL_SHORTHANDS: readonly string[] = Object.freeze(['sonnet', 'opus', 'haiku', 'inherit']);

/**
 * Removes Claude Code's context-window suffix (`sonnet[1m]` → `sonnet`). The crew calls the model
 * with its own window; the suffix only says which model is meant.
 */
export function stripModelSuffix(model: string): string {
  return model.replace(/\[[A-Za-z0-9]+\]$/, '');
}

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
 * taken as a full model id, as written (trimmed). A `[1m]`-style suffix is dropped first.
 */
export function resolveModelId(agentModel: string | undefined, options: ResolveModelIdOptions): string {
  const aliases = options.aliases ?? DEFAULT_MODEL_ALIASES;
  const model = stripModelSuffix(agentModel?.trim() ?? '');
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
