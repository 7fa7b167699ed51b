import { CrewError } from '../errors.js';

/**
 * One thing wrong with one agent file, worded for the person who maintains the file.
 * Loading collects these instead of throwing, so one bad file never stops the crew.
 */
export interface AgentFileProblem {
  /** Path of the file, as given to the loader. */
  file: string;
  /** 1-based line in the file, when known. */
  line?: number;
  /** Frontmatter key concerned (`name`, `description`, …), when there is one. */
  field?: string;
  /** What is wrong and, where possible, how to fix it. */
  reason: string;
}

/** Formats a problem as one log line: `file:line: field: reason`. */
export function formatAgentFileProblem(problem: AgentFileProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return problem.field === undefined ? `${where}: ${problem.reason}` : `${where}: ${problem.field}: ${problem.reason}`;
}

/**
 * Agent definitions cannot be used as given, e.g. two agents passed to the registry share a
 * name or alias. `problems` say which files and why.
 */
export class AgentFileError extends CrewError {
  constructor(readonly problems: AgentFileProblem[]) {
    const lines = problems.map(formatAgentFileProblem).join('\n  - ');
    super('agent_file_invalid', `Invalid agent definitions:\n  - ${lines}`, { problems });
  }
}

/** The agents folder itself could not be read (missing, not a folder, no permission). */
export class AgentsDirError extends CrewError {
  constructor(
    readonly dir: string,
    options?: { cause?: unknown },
  ) {
    super('agents_dir_unreadable', `Cannot read the agents folder "${dir}"`, { dir }, options);
  }
}

/** No agent can serve as the default: the crew has no agents. */
export class NoDefaultAgentError extends CrewError {
  constructor(readonly agentNames: string[]) {
    super('no_default_agent', 'The crew has no agents, so there is no default agent', { agentNames });
  }
}

/**
 * `DEFAULT_AGENT` names no agent. One short line with the closest name — never the list of every
 * agent, which in a 200-file pack is a wall of text.
 */
export class UnknownDefaultAgentError extends CrewError {
  constructor(
    readonly requestedName: string,
    readonly suggestion: string | undefined,
    readonly agentCount: number,
  ) {
    const hint = suggestion === undefined ? ' (`crew agents` lists them)' : `; did you mean '${suggestion}'?`;
    super(
      'default_agent_unknown',
      `DEFAULT_AGENT '${requestedName}' is not one of the ${agentCount} agents${hint}`,
      { requestedName, suggestion, agentCount },
    );
  }
}
