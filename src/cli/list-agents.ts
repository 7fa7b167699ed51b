import { AgentsDirError, formatAgentFileProblem } from '../core/agents/agent-file-error.js';
import { createAgentRegistry } from '../core/agents/agent-registry.js';
import { toolsOfAgent } from '../core/agents/tools-of-agent.js';
import { loadAgents } from '../adapters/agent-files/load-agents.js';
import { CrewError } from '../core/errors.js';
import { describeCause, type CommandIo } from './lint-agents.js';

/** The first line of a description, cut to fit a terminal line (many embed long examples). */
function summarize(description: string, max = 110): string {
  const firstLine = description.trim().split('\n')[0] ?? '';
  return firstLine.length > max ? `${firstLine.slice(0, max - 1).trimEnd()}…` : firstLine;
}

const RULE_WORDS = {
  configured: '',
  'only-agent': '',
  'fallback-name': '',
  'first-agent': ' (DEFAULT_AGENT not set: the first agent in load order)',
} as const;

/** Which agent answers bare mentions, or why none can. */
function describeDefault(agents: Parameters<typeof createAgentRegistry>[0], defaultAgentName: string | undefined): string {
  if (agents.length === 0) return 'none (no valid agent)';
  try {
    const { agent, rule } = createAgentRegistry(agents, { defaultAgentName }).defaultAgentChoice();
    return `${agent.name}${RULE_WORDS[rule]}`;
  } catch (error) {
    return `none (${error instanceof CrewError ? error.message : String(error)})`;
  }
}

/**
 * `crew agents [dir]`: the crew, one block per agent file with its status — `✔` loaded,
 * `⚠` loaded with a note (e.g. lenient frontmatter, a dropped alias), `✘` rejected with the
 * reason; then files not loaded with a warning (`⚠`) or a note (`·`: documentation, other file
 * types), and a summary with the default agent. Returns 1 when any file was rejected, else 0.
 */
export async function listAgents(dir: string, io: CommandIo, defaultAgentName?: string): Promise<number> {
  const result = await loadAgents(dir).catch((error: unknown) => {
    if (!(error instanceof AgentsDirError)) throw error;
    io.err.write(`✘ ${dir}: cannot read this folder (${describeCause(error)})\n`);
    return undefined;
  });
  if (!result) return 1;
  for (const agent of result.agents) {
    const notes = [...result.warnings, ...result.notes].filter((item) => item.file === agent.sourceFile);
    const aliases = agent.aliases.length > 0 ? `  aliases: ${agent.aliases.join(', ')}` : '';
    io.out.write(`${notes.length > 0 ? '⚠' : '✔'} ${agent.name.padEnd(28)} model: ${agent.model || 'inherit'}${aliases}\n`);
    io.out.write(`    ${summarize(agent.description)}\n    ${agent.sourceFile}\n`);
    const tools = toolsOfAgent(agent, { webTools: true });
    if (agent.tools.length > 0) {
      const ignored = tools.ignored.length > 0 ? `; ignores ${tools.ignored.join(', ')} (the crew does not run them)` : '';
      io.out.write(`    tools: runs ${tools.honoured.join(', ') || 'none'}${ignored}\n`);
    }
    for (const note of notes) io.out.write(`    note: ${formatAgentFileProblem(note)}\n`);
  }
  const loadedFiles = new Set(result.agents.map((agent) => agent.sourceFile));
  for (const warning of result.warnings.filter((item) => !loadedFiles.has(item.file))) io.out.write(`⚠ ${formatAgentFileProblem(warning)}\n`);
  for (const note of result.notes.filter((item) => !loadedFiles.has(item.file))) io.out.write(`· ${formatAgentFileProblem(note)}\n`);
  for (const problem of result.problems) io.out.write(`✘ ${formatAgentFileProblem(problem)}\n`);
  io.out.write(
    `\n${result.agents.length} agent(s) loaded, ${result.problems.length} file problem(s) in ${dir}; default agent: ${describeDefault(result.agents, defaultAgentName)}\n`,
  );
  return result.problems.length > 0 ? 1 : 0;
}
