/** One crew member, loaded from a Markdown agent file (Claude Code subagent format). */
export interface Agent {
  /** Unique name from the frontmatter, e.g. `backend-architect`. Lower-case. */
  name: string;
  /** When to use this agent (frontmatter `description`). */
  description: string;
  /** The role prompt: the Markdown body after the frontmatter, trimmed. */
  prompt: string;
  /**
   * Model as written in the file: `sonnet` | `opus` | `haiku` | `inherit` | a full model id.
   * `inherit` (and absent) means the configured default model.
   */
  model: string;
  /** Extra names people may address the agent by (crew key `aliases`), lower-case. */
  aliases: string[];
  /** Human-facing name shown in Slack (crew key `display_name`), e.g. "Backend Architect". */
  displayName: string;
  /** Slack emoji for the agent's messages (crew key `icon_emoji`), e.g. `:building_construction:`. */
  iconEmoji?: string;
  /** Suggested prompts for the Messages tab (crew key `suggested_prompts`). */
  suggestedPrompts: string[];
  /** What Slack shows while the agent works, in turn (crew key `loading_messages`, at most 10). */
  loadingMessages: string[];
  /** Tools listed in the file: web search / fetch and `Agent(...)` consults are honoured, the rest ignored. */
  tools: string[];
  /** How hard the model thinks for this agent (`effort`: low … max); the model's default when absent. */
  effort?: import('./agent-schema.js').EffortLevel;
  /** The crew (team) the member belongs to, for grouping (crew key `crew`, e.g. "Engineering Crew"). */
  crew?: string;
  /** Crew members this one may consult (crew key `consults`; `any` for every member), lower-case. */
  consults: string[];
  /** Path of the file the agent was loaded from. */
  sourceFile: string;
}
