import { AgentsDirError, formatAgentFileProblem } from '../core/agents/agent-file-error.js';
import { loadAgents } from '../adapters/agent-files/load-agents.js';

/** Output streams of a CLI command. */
export interface CommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** The reason behind an unreadable agents folder, e.g. `ENOENT: no such file or directory`. */
export function describeCause(error: AgentsDirError): string {
  const cause = error.cause;
  return cause instanceof Error ? cause.message.split(',')[0] ?? cause.message : 'unreadable';
}

/**
 * `crew lint [dir]`: checks every agent file; prints one line per file and per problem.
 * Returns the exit code: 0 when every file is valid, 1 when any is not (or none exist).
 */
export async function lintAgents(dir: string, io: CommandIo): Promise<number> {
  const result = await loadAgents(dir).catch((error: unknown) => {
    if (!(error instanceof AgentsDirError)) throw error;
    io.err.write(`error ${dir}: cannot read this folder (${describeCause(error)})\n`);
    return undefined;
  });
  if (!result) return 1;
  for (const agent of result.agents) io.out.write(`ok    ${agent.sourceFile}  (${agent.name})\n`);
  for (const warning of result.warnings) io.out.write(`note  ${formatAgentFileProblem(warning)}\n`);
  for (const problem of result.problems) io.err.write(`error ${formatAgentFileProblem(problem)}\n`);
  io.out.write(`${result.agents.length} valid, ${result.problems.length} problem(s) in ${dir}\n`);
  if (result.agents.length === 0 && result.problems.length === 0) {
    io.err.write(`error ${dir}: no agent files (*.md) found\n`);
    return 1;
  }
  return result.problems.length > 0 ? 1 : 0;
}
