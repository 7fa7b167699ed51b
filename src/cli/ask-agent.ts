import { randomUUID } from 'node:crypto';
import { createAnthropicModelClient } from '../adapters/anthropic/anthropic-model-client.js';
import { createMemoryConversationStore } from '../adapters/memory/memory-conversation-store.js';
import { createTerminalReplySink } from '../adapters/terminal/terminal-reply-sink.js';
import { toTurnSettings, type Config } from '../config/load-config.js';
import { createAgentRegistry } from '../core/agents/agent-registry.js';
import { loadAgents } from '../adapters/agent-files/load-agents.js';
import { createTurnRunner } from '../core/turn/create-turn-runner.js';
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
  const sink = createTerminalReplySink(io);
  let failed = false;
  const runner = createTurnRunner({
    registry,
    store: createMemoryConversationStore(),
    model: createAnthropicModelClient({ apiKey: config.anthropic.apiKey, baseUrl: config.anthropic.baseUrl }),
    sink,
    clock: { now: () => Date.now() },
    logger,
    observer: { turnFinished: ({ outcome }) => void (failed = outcome !== 'answered') },
    settings: toTurnSettings(config),
  });
  const id = randomUUID();
  await runner(
    {
      id,
      source: 'direct-message',
      teamId: 'terminal',
      channelId: 'terminal',
      threadTs: id,
      userId: 'terminal-user',
      agentName: agent.name,
      text: question,
      isDirectMessage: true,
      receivedAt: Date.now(),
      progress: {},
    },
    { attempt: 1, signal: new AbortController().signal, saveProgress: async () => undefined },
  );
  return failed ? 1 : 0;
}
