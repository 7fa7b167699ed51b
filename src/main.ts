import { createLogger } from './adapters/logging/create-logger.js';
import { checkSetup } from './cli/check-setup.js';
import { loadConfig } from './config/load-config.js';
import { loadEnvFile } from './config/load-env-file.js';
import { ConfigError } from './core/errors.js';

/** Entry point: validate config, start the crew, stop gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // `.env` in the working directory, when present; the real environment wins (README → Quick start).
  const envFile = '.env';
  const fromFile = loadEnvFile(envFile);
  if (process.argv.includes('--check')) {
    process.exit(await checkSetup(process.env, { out: process.stdout, err: process.stderr }));
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`crew: configuration problems:\n  - ${error.problems.join('\n  - ')}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, format: config.log.format });
  if (fromFile.length > 0) logger.info({ file: envFile, variables: fromFile }, 'read settings from the env file');
  // Log and keep serving: one stray promise must not take every conversation down.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  // Loaded here, not at the top: `--check` must not even load the Slack, model and Redis clients.
  const { startCrew } = await import('./create-crew.js');
  const crew = await startCrew({ config, logger });
  const deadlineMs = config.runtime.shutdownDeadlineMs;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    stopping = true;
    logger.info({ signal, deadlineMs }, 'signal received: draining');
    // Answers past the deadline are interrupted and left queued; closing takes a moment more.
    // Should closing hang (e.g. Redis gone mid-shutdown), exit anyway: queued turns are safe in Redis.
    const forceExit = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting anyway');
      process.exit(1);
    }, deadlineMs + 10_000);
    forceExit.unref();
    crew
      .stop(deadlineMs)
      .then(() => {
        logger.info({ signal }, 'exiting');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`crew: failed to start: ${message}\n`);
  process.exit(1);
});
