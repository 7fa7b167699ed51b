import { z } from 'zod';

/** What an agent name (and alias) may look like once lower-cased: `backend-architect`, `powershell-5.1-expert`. */
export const AGENT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** Longest accepted agent name or alias. */
export const AGENT_NAME_MAX_LENGTH = 64;

const NAME_RULE = "use lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";
// Claude Code's `sonnet[1m]` / `claude-…[1m]` suffix (a larger context window) is accepted.
const MODEL_PATTERN = /^[A-Za-z0-9][\w.:@/-]*(?:\[[A-Za-z0-9]+\])?$/;
const EMOJI_NAME_PATTERN = /^[a-z0-9_+'-]+$/;

/**
 * Frontmatter keys the crew reads. Other keys (`color`, `permissionMode`, anything else) are
 * tolerated and ignored (`crew lint` lists them per agent).
 */
export const AGENT_FRONTMATTER_KEYS = [
  'name',
  'description',
  'model',
  'tools',
  'aliases',
  'display_name',
  'icon_emoji',
  'suggested_prompts',
  'loading_messages',
  'consults',
  'effort',
  'crew',
] as const;

/** Effort levels the Messages API accepts (`output_config.effort`): how hard the model thinks. */
export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type EffortLevel = (typeof EFFORT_LEVELS)[number];

const frontmatterObject = z.object({
  name: z.unknown().transform((value, ctx) => normalizeName(value, ctx)),
  description: z.unknown().transform((value, ctx) => normalizeRequiredText(value, 'description', ctx)),
  model: z.unknown().transform((value, ctx) => normalizeModel(value, ctx)),
  tools: z.unknown().transform((value, ctx) => normalizeList(value, 'tools', ctx, { splitCommas: true })),
  aliases: z.unknown().transform((value, ctx) => normalizeAliases(value, ctx)),
  display_name: z.unknown().transform((value, ctx) => normalizeOptionalText(value, 'display_name', ctx)),
  icon_emoji: z.unknown().transform((value, ctx) => normalizeIconEmoji(value, ctx)),
  suggested_prompts: z
    .unknown()
    .transform((value, ctx) => normalizeList(value, 'suggested_prompts', ctx, { splitCommas: false })),
  loading_messages: z
    .unknown()
    .transform((value, ctx) => normalizeList(value, 'loading_messages', ctx, { splitCommas: false })),
  consults: z.unknown().transform((value, ctx) => normalizeList(value, 'consults', ctx, { splitCommas: true })),
  effort: z.unknown().transform((value, ctx) => normalizeEffort(value, ctx)),
  crew: z.unknown().transform((value, ctx) => normalizeOptionalText(value, 'crew', ctx)),
});

/**
 * Validates parsed frontmatter and normalizes it to the `Agent` fields it carries.
 * Every issue's message is a sentence for the file's author; its `path[0]` is the frontmatter key.
 * `null` (an empty YAML value) counts as absent; unknown keys are ignored.
 */
export const agentSchema = z.preprocess(fillAbsentKeys, frontmatterObject).transform((fields) => ({
  name: fields.name,
  description: fields.description,
  model: fields.model,
  tools: fields.tools,
  aliases: fields.aliases.filter((alias) => alias !== fields.name),
  displayName: fields.display_name ?? deriveDisplayName(fields.name),
  iconEmoji: fields.icon_emoji,
  suggestedPrompts: fields.suggested_prompts,
  // Slack shows at most ten, each a short phrase.
  loadingMessages: fields.loading_messages.slice(0, 10).map((message) => message.slice(0, 150)),
  consults: fields.consults.map((name) => name.toLowerCase()),
  ...(fields.effort ? { effort: fields.effort } : {}),
  ...(fields.crew ? { crew: fields.crew } : {}),
}));

/** The normalized fields `agentSchema` produces. */
export type AgentFields = z.output<typeof agentSchema>;

/** Turns `backend-architect` into `Backend Architect` (words split on `-` and `_`). */
export function deriveDisplayName(name: string): string {
  return name
    .split(/[-_]+/)
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** Returns why `name` is not a usable agent name or alias, or undefined when it is. */
export function explainInvalidName(name: string, label = 'name'): string | undefined {
  if (name === '') return `${label} is empty`;
  if (name.length > AGENT_NAME_MAX_LENGTH) {
    return `${label} '${name}' is ${name.length} characters long; the limit is ${AGENT_NAME_MAX_LENGTH}`;
  }
  if (!AGENT_NAME_PATTERN.test(name.toLowerCase())) return `${label} '${name}' has invalid characters: ${NAME_RULE}`;
  return undefined;
}

type Context = z.core.$RefinementCtx;

/** Gives every crew key an explicit value (`null` when absent), so each field's transform runs. */
function fillAbsentKeys(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const filled: Record<string, unknown> = { ...input };
  for (const key of AGENT_FRONTMATTER_KEYS) filled[key] ??= null;
  return filled;
}

function report(ctx: Context, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a group of fields';
  return `a ${typeof value}`;
}

function normalizeName(value: unknown, ctx: Context): string {
  if (value === undefined || value === null) return report(ctx, 'name is required');
  if (typeof value !== 'string') return report(ctx, `name must be text, not ${describeType(value)}`);
  const trimmed = value.trim();
  const invalid = explainInvalidName(trimmed);
  return invalid === undefined ? trimmed.toLowerCase() : report(ctx, invalid);
}

function normalizeRequiredText(value: unknown, field: string, ctx: Context): string {
  if (value === undefined || value === null) return report(ctx, `${field} is required`);
  if (typeof value !== 'string') return report(ctx, `${field} must be text, not ${describeType(value)}`);
  const trimmed = value.trim();
  return trimmed === '' ? report(ctx, `${field} is empty`) : trimmed;
}

function normalizeOptionalText(value: unknown, field: string, ctx: Context): string | undefined {
  if (value === undefined || value === null) return undefined;
  return normalizeRequiredText(value, field, ctx);
}

function normalizeEffort(value: unknown, ctx: Context): EffortLevel | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const effort = String(value).trim().toLowerCase();
  if ((EFFORT_LEVELS as readonly string[]).includes(effort)) return effort as EffortLevel;
  return report(ctx, `effort '${String(value)}' is not an effort level: use ${EFFORT_LEVELS.join(', ')}`);
}

function normalizeModel(value: unknown, ctx: Context): string {
  if (value === undefined || value === null) return 'inherit';
  if (typeof value !== 'string') return report(ctx, `model must be text, not ${describeType(value)}`);
  const model = value.trim();
  if (model === '') return 'inherit';
  if (!MODEL_PATTERN.test(model)) {
    return report(ctx, `model '${model}' is not a model name: use sonnet, opus, haiku, inherit or a full model id`);
  }
  return model;
}

function normalizeList(value: unknown, field: string, ctx: Context, options: { splitCommas: boolean }): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    // Commas inside parentheses belong to one item: Claude Code's `Agent(security-engineer, sre)`.
    const items = options.splitCommas ? value.split(/,(?![^(]*\))/) : [value];
    return items.map((item) => item.trim()).filter((item) => item !== '');
  }
  if (!Array.isArray(value)) {
    return report(ctx, `${field} must be a list or a comma-separated text, not ${describeType(value)}`);
  }
  const items: string[] = [];
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'string') {
      return report(ctx, `${field} item ${index + 1} must be text, not ${describeType(item)}`);
    }
    if (item.trim() !== '') items.push(item.trim());
  }
  return items;
}

function normalizeAliases(value: unknown, ctx: Context): string[] {
  const aliases = normalizeList(value, 'aliases', ctx, { splitCommas: true });
  const normalized: string[] = [];
  for (const alias of aliases) {
    const withoutAt = alias.replace(/^@/, '');
    const invalid = explainInvalidName(withoutAt, 'alias');
    if (invalid !== undefined) return report(ctx, invalid);
    const lower = withoutAt.toLowerCase();
    if (!normalized.includes(lower)) normalized.push(lower);
  }
  return normalized;
}

function normalizeIconEmoji(value: unknown, ctx: Context): string | undefined {
  const text = normalizeOptionalText(value, 'icon_emoji', ctx);
  if (text === undefined) return undefined;
  const emojiName = text.replace(/^:/, '').replace(/:$/, '');
  if (!EMOJI_NAME_PATTERN.test(emojiName)) {
    return report(ctx, `icon_emoji '${text}' must be a Slack emoji code such as ':building_construction:'`);
  }
  return `:${emojiName}:`;
}
