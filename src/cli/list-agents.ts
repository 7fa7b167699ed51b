import { formatAgentFileProblem } from '../core/agents/agent-file-error.js';
import { loadAgents } from '../core/agents/load-agents.js';
import type { CommandIo } from './lint-agents.js';

/** `crew agents`: the crew, one agent per line with its file's status, then rejected files. */
export async function listAgents(dir: string, io: CommandIo): Promise<number> {
  const result = await loadAgents(dir);
  for (const agent of result.agents) {
    const aliases = agent.aliases.length > 0 ? ` aliases: ${agent.aliases.join(', ')}` : '';
    io.out.write(`✔ ${agent.name.padEnd(28)} model: ${agent.model || 'inherit'}${aliases}\n    ${agent.description}\n    ${agent.sourceFile}\n`);
  }
  for (const problem of result.problems) io.out.write(`✘ ${formatAgentFileProblem(problem)}\n`);
  return result.problems.length > 0 ? 1 : 0;
}
