import { formatAgentFileProblem } from '../core/agents/agent-file-error.js';
import { createAgentRegistry } from '../core/agents/agent-registry.js';
import { loadAgents } from '../adapters/agent-files/load-agents.js';
import { ConfigError, CrewError } from '../core/errors.js';
import { loadConfig } from '../config/load-config.js';
import type { CommandIo } from './lint-agents.js';

/**
 * `crew check` / `npm start -- --check`: validates configuration and agents without
 * connecting to anything. Returns 0 when the bot would start, 2 otherwise.
 */
export async function checkSetup(environment: Record<string, string | undefined>, io: CommandIo): Promise<number> {
  let config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err.write(`✘ configuration:\n  - ${error.problems.join('\n  - ')}\n`);
      return 2;
    }
    throw error;
  }
  io.out.write(`✔ configuration (${config.slack.mode} mode, store: ${config.redis?.mode ?? 'memory — development only'})\n`);
  const loaded = await loadAgents(config.agentsDir).catch((error: unknown) => {
    io.err.write(`✘ agents: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  });
  if (!loaded) return 2;
  for (const problem of loaded.problems) io.err.write(`✘ agent file ${formatAgentFileProblem(problem)}\n`);
  for (const warning of loaded.warnings) io.err.write(`⚠ agent file ${formatAgentFileProblem(warning)}\n`);
  if (loaded.agents.length === 0) {
    io.err.write(`✘ no valid agent in ${config.agentsDir}\n`);
    return 2;
  }
  try {
    const registry = createAgentRegistry(loaded.agents, { defaultAgentName: config.defaultAgent });
    const { agent, rule } = registry.defaultAgentChoice();
    const why = rule === 'first-agent' ? ', the first agent in load order: set DEFAULT_AGENT to choose' : '';
    const names = loaded.agents.length <= 10 ? loaded.agents.map((item) => item.name).join(', ') : `${loaded.agents.length} agents`;
    io.out.write(`✔ agents: ${names} (default: ${agent.name}${why})\n`);
  } catch (error) {
    io.err.write(`✘ agents: ${error instanceof CrewError ? error.message : String(error)}\n`);
    return 2;
  }
  return loaded.problems.length > 0 ? 2 : 0;
}
