import { listAnthropicModels } from '../adapters/anthropic/list-anthropic-models.js';
import type { Config } from '../config/load-config.js';
import type { AgentRegistry } from '../core/agents/agent-registry.js';
import type { Agent } from '../core/agents/agent.js';
import { chooseAgentModel, type ModelChoiceContext } from '../core/agents/choose-agent-model.js';
import { FALLBACK_MODELS, type KnownModel } from '../core/model/model-catalog.js';
import type { Logger } from '../core/shared/ports.js';

/** Which model answers for each agent, decided once at start. */
export type ModelOfAgent = (agent: Agent) => KnownModel;

/**
 * Lists the models the API key can use and resolves every agent's `model` against them (the
 * newest of a family for an alias). When the list cannot be read, today's lineup stands in and
 * the log says so once. Each agent whose file names a model that cannot be used is logged with
 * its file and the model chosen instead.
 */
export async function resolveCrewModels(
  config: Config,
  registry: AgentRegistry,
  logger: Logger,
  list: () => Promise<KnownModel[]> = () => listAnthropicModels({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl }),
): Promise<ModelOfAgent> {
  let context: ModelChoiceContext;
  try {
    const models = await list();
    context = { models, live: true, overrides: config.anthropic.modelOverrides };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ reason }, 'could not list the models this API key can use; resolving model aliases from the built-in lineup');
    context = { models: FALLBACK_MODELS, live: false, overrides: config.anthropic.modelOverrides };
  }
  const chosen = new Map<string, KnownModel>();
  for (const agent of registry.list()) {
    const choice = chooseAgentModel(agent.model, context);
    if (choice.warning) logger.warn({ agent: agent.name, file: agent.sourceFile }, `agent model: ${choice.warning}`);
    chosen.set(agent.name, choice.model);
  }
  logger.info({ models: Object.fromEntries([...chosen].map(([name, model]) => [name, model.id])), live: context.live }, 'models resolved');
  return (agent) => chosen.get(agent.name) ?? chooseAgentModel(agent.model, context).model;
}
