import type { Config } from '../config/load-config.js';
import { formatAgentFileProblem } from '../core/agents/agent-file-error.js';
import { createAgentRegistry, type AgentRegistry } from '../core/agents/agent-registry.js';
import { loadAgents } from '../adapters/agent-files/load-agents.js';
import type { Logger } from '../core/shared/ports.js';
import { CrewError } from '../core/errors.js';

/**
 * Loads the crew from AGENTS_DIR. Every file not taken is logged with file, line, field and
 * reason (errors, warnings, notes at their own levels). Startup
 * fails only when no valid agent remains or `DEFAULT_AGENT` names no agent (one line with a
 * did-you-mean). With several agents and no `DEFAULT_AGENT` it starts with the default the
 * registry's rule picks, and warns when that is merely the first agent in load order.
 */
export async function loadCrewRegistry(config: Config, logger: Logger): Promise<AgentRegistry> {
  const loaded = await loadAgents(config.agentsDir);
  for (const problem of loaded.problems) logger.error({ file: problem.file, field: problem.field, line: problem.line }, `agent file rejected: ${formatAgentFileProblem(problem)}`);
  for (const warning of loaded.warnings) logger.warn({ file: warning.file, field: warning.field }, `agent file warning: ${formatAgentFileProblem(warning)}`);
  for (const note of loaded.notes) logger.info({ file: note.file }, `agent file note: ${formatAgentFileProblem(note)}`);
  // Each agent's `model` is checked when models are resolved (`resolveCrewModels`, against the live list).
  if (loaded.agents.length === 0) {
    throw new CrewError('no_agents', `No valid agent in ${config.agentsDir}: the crew cannot start without at least one agent.`);
  }
  const registry = createAgentRegistry(loaded.agents, { defaultAgentName: config.defaultAgent });
  const { agent: defaultAgent, rule } = registry.defaultAgentChoice();
  if (rule === 'first-agent') {
    logger.warn(
      { defaultAgent: defaultAgent.name, file: defaultAgent.sourceFile },
      `DEFAULT_AGENT is not set: bare mentions and DMs go to '${defaultAgent.name}', the first agent in load order (${defaultAgent.sourceFile}); set DEFAULT_AGENT to choose`,
    );
  }
  logger.info({ agentCount: loaded.agents.length, defaultAgent: defaultAgent.name, defaultAgentRule: rule }, `crew loaded: ${loaded.agents.length} agents, default '${defaultAgent.name}'`);
  return registry;
}
