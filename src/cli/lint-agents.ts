import { AgentsDirError, formatAgentFileProblem, type AgentFileProblem } from '../core/agents/agent-file-error.js';
import { toolsOfAgent } from '../core/agents/tools-of-agent.js';
import { checkAgentModel, describeUnknownModel, type KnownModels } from '../core/agents/check-agent-model.js';
import { describeAgentSupport } from '../core/agents/describe-agent-support.js';
import type { Agent } from '../core/agents/agent.js';
import { loadAgents, type LoadAgentsResult } from '../adapters/agent-files/load-agents.js';

/** Output streams of a CLI command. */
export interface CommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** Options for `lintAgents`. */
export interface LintOptions {
  /** Warnings fail the run too (`--strict`). */
  strict?: boolean;
  /** Shorthands and model ids a `model` is checked against (`--models` adds ids). */
  knownModels?: KnownModels;
  /** Tools the crew runs; every other listed tool is reported as ignored. */
  honouredTools?: readonly string[];
}

/** The reason behind an unreadable agents folder, e.g. `ENOENT: no such file or directory`. */
export function describeCause(error: AgentsDirError): string {
  const cause = error.cause;
  return cause instanceof Error ? cause.message.split(',')[0] ?? cause.message : 'unreadable';
}

/**
 * `crew lint [--strict] [--models a,b] [dir …]`: checks each folder's agent files. Per agent an
 * `ok` line and what it honours and ignores; `note`, `warn` and (on stderr) `error` lines; then one
 * summary line per folder: `186 agents, 0 errors, 4 warnings`. Exit code: 0 when clean or only
 * warnings, 1 on any error (with `strict`, on any warning too).
 */
export async function lintAgents(dirs: string | readonly string[], io: CommandIo, options: LintOptions = {}): Promise<number> {
  let failed = false;
  for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
    const counts = await lintFolder(dir, io, options);
    if (counts.errors > 0 || (options.strict === true && counts.warnings > 0)) failed = true;
  }
  return failed ? 1 : 0;
}

async function lintFolder(dir: string, io: CommandIo, options: LintOptions): Promise<{ errors: number; warnings: number }> {
  const result = await loadAgents(dir).catch((error: unknown) => {
    if (!(error instanceof AgentsDirError)) throw error;
    io.err.write(`error ${dir}: cannot read this folder (${describeCause(error)})\n`);
    return undefined;
  });
  if (!result) return { errors: 1, warnings: 0 };
  const modelWarnings = checkModels(result.agents, options.knownModels);
  for (const agent of result.agents) {
    io.out.write(`ok    ${agent.sourceFile}  (${agent.name})\n`);
    io.out.write(`      ${describeSupport(agent, result, options)}\n`);
  }
  for (const note of result.notes) io.out.write(`note  ${formatAgentFileProblem(note)}\n`);
  const warnings = [...result.warnings, ...modelWarnings];
  for (const warning of warnings) io.out.write(`warn  ${formatAgentFileProblem(warning)}\n`);
  for (const problem of result.problems) io.err.write(`error ${formatAgentFileProblem(problem)}\n`);
  let errors = result.problems.length;
  if (result.agents.length === 0 && errors === 0) {
    io.err.write(`error ${dir}: no agent files (*.md) found\n`);
    errors = 1;
  }
  const strictNote = options.strict === true && warnings.length > 0 ? ' (--strict: warnings fail)' : '';
  io.out.write(
    `${dir}: ${count(result.agents.length, 'agent')}, ${count(errors, 'error')}, ${count(warnings.length, 'warning')}, ${count(result.notes.length, 'note')}${strictNote}\n`,
  );
  return { errors, warnings: warnings.length };
}

function checkModels(agents: readonly Agent[], known: KnownModels | undefined): AgentFileProblem[] {
  const warnings: AgentFileProblem[] = [];
  for (const agent of agents) {
    const check = checkAgentModel(agent.model, known);
    if (check.kind === 'unknown') {
      warnings.push({ file: agent.sourceFile, field: 'model', reason: describeUnknownModel(agent.model, check, known) });
    }
  }
  return warnings;
}

/** One line: the fields the crew reads, those it ignores, and the tools it runs or ignores. */
function describeSupport(agent: Agent, result: LoadAgentsResult, options: LintOptions): string {
  const keys = result.frontmatterKeys.get(agent.sourceFile) ?? [];
  // The tools the crew runs for this agent in Slack (web search / fetch); `WEB_TOOLS=off` is an install setting, not the file's.
  const support = describeAgentSupport(keys, agent.tools, { honouredTools: options.honouredTools ?? toolsOfAgent(agent, { webTools: true }).honoured });
  // `tools` is read, but whether a tool runs is told tool by tool below.
  const honoured = support.honouredFields.filter((key) => key !== 'tools');
  const parts = [keys.length === 0 ? 'no frontmatter: name and description from the file' : `honours ${honoured.join(', ') || 'no field'}`];
  if (support.ignoredFields.length > 0) {
    const ignored = support.ignoredFields.map(({ key, why }) => `${key} (${why === 'claude-code-only' ? 'Claude Code only' : 'unknown key'})`);
    parts.push(`ignores ${ignored.join(', ')}`);
  }
  if (support.honouredTools.length > 0) parts.push(`runs tools ${support.honouredTools.join(', ')}`);
  if (support.ignoredTools.length > 0) parts.push(`ignores tools ${support.ignoredTools.join(', ')} (the crew does not run them)`);
  return parts.join('; ');
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
