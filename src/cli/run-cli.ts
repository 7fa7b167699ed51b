import { createLogger } from '../adapters/logging/create-logger.js';
import { loadConfig } from '../config/load-config.js';
import { ConfigError } from '../core/errors.js';
import { checkSetup } from './check-setup.js';
import { lintAgents, type CommandIo } from './lint-agents.js';
import { listAgents } from './list-agents.js';
import { runFeedbackCommand } from './run-feedback-command.js';
import { runJobsCommand } from './run-jobs-command.js';

const usage = `Usage: crew <command>

  crew agents [dir]              list the crew and each agent file's status
  crew lint [--strict] [--models id,…] [dir …]
                                 check agent files; exit 1 on any error (--strict: on any warning)
  crew ask <agent> "<question>"  stream an answer in the terminal (needs ANTHROPIC_API_KEY)
  crew check                     validate configuration and agents without connecting
  crew jobs [--verbose]          list the jobs the queue gave up on (needs REDIS_URL)
  crew jobs requeue <id>         put one of them back on the queue
  crew feedback [--since 7d]     votes on answers per agent (needs REDIS_URL)
`;

/** `crew lint` arguments: `--strict`, `--models a,b` (ids a `model` may name), folders. */
function runLint(args: string[], agentsDir: string, io: CommandIo): Promise<number> {
  const dirs: string[] = [];
  let strict = false;
  let modelIds: string[] | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--strict') strict = true;
    else if (arg === '--models' || arg.startsWith('--models=')) {
      const list = arg === '--models' ? args[(index += 1)] ?? '' : arg.slice('--models='.length);
      modelIds = list.split(',').map((id) => id.trim()).filter((id) => id !== '');
    } else dirs.push(arg);
  }
  const knownModels = modelIds === undefined ? {} : { modelIds };
  return lintAgents(dirs.length > 0 ? dirs : [agentsDir], io, { strict, knownModels });
}

/** Runs one CLI command and returns its exit code. */
export async function runCli(argv: string[], environment: Record<string, string | undefined>, io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  const agentsDir = environment.AGENTS_DIR ?? 'agents';
  switch (command) {
    case 'agents':
      return listAgents(rest[0] ?? agentsDir, io, environment.DEFAULT_AGENT);
    case 'lint':
      return runLint(rest, agentsDir, io);
    case 'check':
      return checkSetup(environment, io);
    case 'jobs':
      return runJobsCommand(rest, environment, io);
    case 'feedback':
      return runFeedbackCommand(rest, environment, io);
    case 'ask': {
      const [agentName, ...words] = rest;
      if (!agentName || words.length === 0) {
        io.err.write('Usage: crew ask <agent> "<question>"\n');
        return 2;
      }
      let config;
      try {
        // Slack settings are not needed to ask in a terminal.
        config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-not-used', SLACK_SIGNING_SECRET: 'not-used', ...environment });
      } catch (error) {
        if (error instanceof ConfigError) {
          io.err.write(`Configuration problems:\n  - ${error.problems.join('\n  - ')}\n`);
          return 2;
        }
        throw error;
      }
      // The terminal sink already shows status and errors in words; logs only on request (LOG_LEVEL).
      const logger = createLogger({ level: environment.LOG_LEVEL ?? 'silent', format: 'json', destination: io.err });
      // Only `ask` needs the model client and the turn core: the other commands stay light.
      const { askAgent } = await import('./ask-agent.js');
      return askAgent(config, agentName, words.join(' '), io, logger);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out.write(usage);
      return command === undefined ? 2 : 0;
    default:
      io.err.write(`Unknown command: ${command}\n\n${usage}`);
      return 2;
  }
}
