import { formatAgentFileProblem } from '../core/agents/agent-file-error.js';
import { loadAgents } from '../core/agents/load-agents.js';

/** Output streams of a CLI command. */
export interface CommandIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/**
 * `crew lint [dir]`: checks every agent file; prints one line per file and per problem.
 * Returns the exit code: 0 when every file is valid, 1 when any is not (or none exist).
 */
export async function lintAgents(dir: string, io: CommandIo): Promise<number> {
  const result = await loadAgents(dir);
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
