import type { Config } from '../config/load-config.js';
import { formatAgentFileProblem } from '../core/agents/agent-file-error.js';
import { createAgentRegistry, type AgentRegistry } from '../core/agents/agent-registry.js';
import { loadAgents } from '../adapters/agent-files/load-agents.js';
import type { Logger } from '../core/shared/ports.js';
import { CrewError } from '../core/errors.js';

/**
 * Loads the crew from AGENTS_DIR: every rejected file is logged with file, line, field and
 * reason; startup fails only when no valid agent remains.
 */
export async function loadCrewRegistry(config: Config, logger: Logger): Promise<AgentRegistry> {
  const loaded = await loadAgents(config.agentsDir);
  for (const problem of loaded.problems) logger.error({ file: problem.file, field: problem.field, line: problem.line }, `agent file rejected: ${formatAgentFileProblem(problem)}`);
  for (const warning of loaded.warnings) logger.warn({ file: warning.file }, `agent file note: ${formatAgentFileProblem(warning)}`);
  if (loaded.agents.length === 0) {
    throw new CrewError('no_agents', `No valid agent in ${config.agentsDir}: the crew cannot start without at least one agent.`);
  }
  const registry = createAgentRegistry(loaded.agents, { defaultAgentName: config.defaultAgent });
  logger.info({ agents: loaded.agents.map((agent) => agent.name), defaultAgent: registry.defaultAgent().name }, 'crew loaded');
  return registry;
}
