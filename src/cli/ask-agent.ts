import { randomUUID } from 'node:crypto';
import { createMemoryConversationStore } from '../adapters/memory/memory-conversation-store.js';
import { createTerminalReplySink } from '../adapters/terminal/terminal-reply-sink.js';
import type { Config } from '../config/load-config.js';
import { createAgentRegistry } from '../core/agents/agent-registry.js';
import { loadAgents } from '../adapters/agent-files/load-agents.js';
import { buildTurnJob } from '../core/intake/build-turn-job.js';
import { resolveCrewModels } from '../wiring/resolve-crew-models.js';
import { wireTurnRunner } from '../wiring/wire-turn-runner.js';
import type { Logger } from '../core/shared/ports.js';
import { AgentNotFoundError } from '../core/errors.js';
import type { CommandIo } from './lint-agents.js';

/**
 * `crew ask <agent> "<question>"`: answers one question in the terminal through the same
 * core as Slack (turn runner, history, retries, stall watchdog), with a terminal reply sink.
 */
export async function askAgent(config: Config, agentName: string, question: string, io: CommandIo, logger: Logger): Promise<number> {
  const loaded = await loadAgents(config.agentsDir);
  const registry = createAgentRegistry(loaded.agents, { defaultAgentName: config.defaultAgent });
  let agent;
  try {
    agent = registry.require(agentName);
  } catch (error) {
    if (error instanceof AgentNotFoundError) {
      const hint = error.suggestion ? ` Did you mean ${error.suggestion}?` : '';
      io.err.write(`No agent named ${agentName}.${hint} Agents: ${registry.list().map((item) => item.name).join(', ')}\n`);
      return 2;
    }
    throw error;
  }
  let failed = false;
  const modelOf = await resolveCrewModels(config, registry, logger);
  const runner = wireTurnRunner({
    modelOf,
    config,
    logger,
    clock: { now: () => Date.now() },
    registry,
    store: createMemoryConversationStore(),
    sink: createTerminalReplySink(io),
    observer: { turnFinished: ({ outcome }) => void (failed = outcome !== 'answered') },
  });
  const id = randomUUID();
  // Built by the same code as every Slack surface's job.
  const job = buildTurnJob(
    { source: 'direct-message', jobId: id, teamId: 'terminal', channelId: 'terminal', userId: 'terminal-user', isDirectMessage: true, text: question, receivedAt: Date.now() },
    { threadTs: id, agentName: agent.name, text: question },
  );
  await runner(job, { attempt: 1, signal: new AbortController().signal, saveProgress: async () => undefined });
  return failed ? 1 : 0;
}
