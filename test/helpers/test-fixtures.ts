import type { Agent } from '../../src/core/agents/agent.js';
import type { Logger } from '../../src/core/shared/ports.js';

/** A logger that says nothing. */
export function silentLogger(): Logger {
  const logger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => logger };
  return logger;
}

/** One recorded log line. */
export interface LoggedEntry {
  level: string;
  context: object;
  message: string;
}

/** Logger that keeps its entries in memory (child bindings merged into each context). */
export function createRecordingLogger(entries: LoggedEntry[] = [], bindings: Record<string, unknown> = {}): Logger & { entries: LoggedEntry[] } {
  const record = (level: string) => (context: object, message: string) => {
    entries.push({ level, context: { ...bindings, ...context }, message });
  };
  return {
    entries,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: (more) => createRecordingLogger(entries, { ...bindings, ...more }),
  };
}

/** A crew member as the loader would make it from a minimal file. */
export function testAgent(name: string, aliases: string[] = [], overrides: Partial<Agent> = {}): Agent {
  return {
    name,
    description: `The ${name}.`,
    prompt: `You are the ${name}.`,
    model: 'inherit',
    aliases,
    displayName: name,
    suggestedPrompts: [],
    loadingMessages: [],
    tools: [],
    consults: [],
    sourceFile: `agents/${name}.md`,
    ...overrides,
  };
}
