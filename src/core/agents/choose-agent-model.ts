import { FALLBACK_MODELS, MODEL_FAMILIES, newestOfFamily, type KnownModel, type ModelFamily } from '../model/model-catalog.js';
import { MODEL_SHORTHANDS, stripModelSuffix } from './model-shorthands.js';
import { suggestClosestName } from './suggest-closest-name.js';

/** Ids set by configuration (`CLAUDE_MODEL`, `CLAUDE_MODEL_SONNET` …); they win over the list. */
export interface ModelOverrides {
  default?: string;
  sonnet?: string;
  opus?: string;
  haiku?: string;
  fable?: string;
}

/** What the crew knows about the models it may call. */
export interface ModelChoiceContext {
  /** The models the key can use (the live list), or the built-in lineup when it could not be read. */
  models: readonly KnownModel[];
  /** True when `models` is the live list (only then is an unlisted full id worth a warning). */
  live: boolean;
  overrides: ModelOverrides;
}

/** The model an agent is answered by, and why it is not the one its file names (when it is not). */
export interface AgentModelChoice {
  model: KnownModel;
  warning?: string;
}

function known(context: ModelChoiceContext, id: string): KnownModel {
  return context.models.find((model) => model.id === id) ?? FALLBACK_MODELS.find((model) => model.id === id) ?? { id, createdAt: 0 };
}

function ofFamily(context: ModelChoiceContext, family: ModelFamily): KnownModel {
  const override = context.overrides[family];
  if (override) return known(context, override);
  return newestOfFamily(context.models, family) ?? newestOfFamily(FALLBACK_MODELS, family) ?? { id: `claude-${family}`, createdAt: 0 };
}

/** The model for `inherit` and for files that name none: `CLAUDE_MODEL`, else the newest Sonnet. */
export function defaultAgentModel(context: ModelChoiceContext): KnownModel {
  return context.overrides.default ? known(context, context.overrides.default) : ofFamily(context, 'sonnet');
}

/**
 * Resolves an agent file's `model` once, at start: an alias (`sonnet`, `opus`, `haiku`, `fable`;
 * Claude Code's `[1m]`-style suffix is ignored: every current model has its long window) is the
 * newest model of that family the key can use; `inherit` or nothing is the default model; a full
 * id is used as written. A full id the live list does not have, or a word that is no alias
 * (`sonet`), never fails a question: the default model answers and the warning says so.
 */
export function chooseAgentModel(fileModel: string | undefined, context: ModelChoiceContext): AgentModelChoice {
  const written = (fileModel ?? '').trim();
  const id = stripModelSuffix(written);
  const word = id.toLowerCase();
  if (word === '' || word === 'inherit') return { model: defaultAgentModel(context) };
  const family = MODEL_FAMILIES.find((candidate) => candidate === word);
  if (family) return { model: ofFamily(context, family) };
  const fallback = defaultAgentModel(context);
  if (!word.startsWith('claude-')) {
    const suggestion = suggestClosestName(word, MODEL_SHORTHANDS);
    const hint = suggestion ? ` (did you mean \`${suggestion}\`?)` : '';
    return { model: fallback, warning: `model \`${written}\` is not a model alias${hint}; answering with ${fallback.id}` };
  }
  const listed = context.models.find((model) => model.id === id);
  if (listed) return { model: listed };
  if (!context.live) return { model: known(context, id) };
  return { model: fallback, warning: `model \`${written}\` is not among the models this API key can use; answering with ${fallback.id}` };
}
