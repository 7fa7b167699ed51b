import { createAnthropicModelClient } from '../adapters/anthropic/anthropic-model-client.js';
import { toTurnSettings, type Config } from '../config/load-config.js';
import type { AgentRegistry } from '../core/agents/agent-registry.js';
import type { SpendControl } from '../core/budget/create-spend-control.js';
import type { TurnJobRunner } from '../core/queue/ports.js';
import type { ReplySink } from '../core/reply/ports.js';
import type { Clock, Logger } from '../core/shared/ports.js';
import type { ConversationStore, ThreadHistoryReader, UserDirectory } from '../core/thread/ports.js';
import { createTurnRunner } from '../core/turn/create-turn-runner.js';
import type { SharedFileReader } from '../core/files/ports.js';
import { createByteBudget } from '../core/files/byte-budget.js';
import type { TurnObserver } from '../core/turn/ports.js';
import type { ModelOfAgent } from './resolve-crew-models.js';

/** What differs between the bot and `crew ask`: where answers go and where threads live. */
export interface TurnRunnerWiring {
  config: Config;
  logger: Logger;
  clock: Clock;
  registry: AgentRegistry;
  store: ConversationStore;
  sink: ReplySink;
  observer?: TurnObserver;
  threadReader?: ThreadHistoryReader;
  /** Reads shared files (Slack only; `crew ask` has none). */
  fileReader?: SharedFileReader;
  /** Display names (who said what); without one, people are shown by id. */
  userDirectory?: UserDirectory;
  spend?: SpendControl;
  /** Which model answers for each agent (`resolveCrewModels`). */
  modelOf: ModelOfAgent;
  /** Internal (benchmark only): prompt-cache breakpoints on model requests; default true. */
  promptCaching?: boolean;
}

/** The turn core wired to Claude: the same for Slack and the terminal. */
export function wireTurnRunner(wiring: TurnRunnerWiring): TurnJobRunner {
  const { config } = wiring;
  const model = createAnthropicModelClient({
    apiKey: config.anthropic.apiKey,
    baseUrl: config.anthropic.baseUrl,
    promptCaching: wiring.promptCaching,
  });
  return createTurnRunner({
    registry: wiring.registry,
    store: wiring.store,
    model,
    sink: wiring.sink,
    clock: wiring.clock,
    logger: wiring.logger,
    observer: wiring.observer,
    threadReader: wiring.threadReader,
    fileReader: wiring.fileReader,
    fileMemory: createByteBudget(config.runtime.fileMemoryBytes),
    userDirectory: wiring.userDirectory,
    spend: wiring.spend,
    modelOf: wiring.modelOf,
    settings: toTurnSettings(config),
  });
}
