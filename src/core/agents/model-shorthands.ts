import { MODEL_FAMILIES } from '../model/model-catalog.js';

/** The shorthands an agent file's `model` may use, besides a full model id. */
export const MODEL_SHORTHANDS: readonly string[] = Object.freeze([...MODEL_FAMILIES, 'inherit']);

/**
 * Removes Claude Code's context-window suffix (`sonnet[1m]` → `sonnet`). The crew calls the model
 * with its own window; the suffix only says which model is meant.
 */
export function stripModelSuffix(model: string): string {
  return model.replace(/\[[A-Za-z0-9]+\]$/, '');
}
