import { MODEL_SHORTHANDS, stripModelSuffix } from './model-shorthands.js';
import { suggestClosestName } from './suggest-closest-name.js';

/** What a `model` value is checked against. */
export interface KnownModels {
  /**
   * Shorthands an agent file may use (`sonnet`, `opus`, `haiku`, `inherit`, …); `MODEL_SHORTHANDS`
   * when omitted. Pass a longer list when the crew learns more (e.g. `fable`).
   */
  shorthands?: readonly string[];
  /**
   * Model ids that exist (the configured ids, or what `GET /v1/models` lists for the key). When
   * given, an id outside it is unknown; when omitted, any `claude-…` id is taken on trust.
   */
  modelIds?: readonly string[];
}

/** How an agent's `model` value stands. */
export type ModelCheck =
  | { kind: 'shorthand'; shorthand: string }
  | { kind: 'model-id'; verified: boolean }
  | { kind: 'unknown'; suggestion?: string };

/** What a full model id looks like when no list of ids is at hand. */
const MODEL_ID_SHAPE = /^claude-[a-z0-9][a-z0-9.-]*$/;

/**
 * Checks an agent's `model` against the shorthands and the known model ids, case-insensitively,
 * after dropping a Claude Code `[1m]`-style suffix. Empty means `inherit`. Unknown values come
 * with the closest shorthand or id when one is a likely typo (`sonet` → `sonnet`).
 */
export function checkAgentModel(model: string, known: KnownModels = {}): ModelCheck {
  const shorthands = known.shorthands ?? MODEL_SHORTHANDS;
  const value = stripModelSuffix(model.trim()).toLowerCase();
  if (value === '') return { kind: 'shorthand', shorthand: 'inherit' };
  if (shorthands.includes(value)) return { kind: 'shorthand', shorthand: value };
  const ids = known.modelIds?.map((id) => id.toLowerCase());
  if (ids?.includes(value)) return { kind: 'model-id', verified: true };
  if (ids === undefined && MODEL_ID_SHAPE.test(value)) return { kind: 'model-id', verified: false };
  const suggestion = suggestClosestName(value, [...shorthands, ...(ids ?? [])]);
  return suggestion === undefined ? { kind: 'unknown' } : { kind: 'unknown', suggestion };
}

/** A sentence for an unknown model, for lint and the start-up log. */
export function describeUnknownModel(model: string, check: Extract<ModelCheck, { kind: 'unknown' }>, known: KnownModels = {}): string {
  const shorthands = (known.shorthands ?? MODEL_SHORTHANDS).join(', ');
  const hint = check.suggestion === undefined ? '' : ` Did you mean '${check.suggestion}'?`;
  return `unknown model '${model}': use ${shorthands} or a full model id; the crew answers this agent with its default model instead.${hint}`;
}
