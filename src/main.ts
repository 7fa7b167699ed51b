import { createLogger } from './adapters/logging/create-logger.js';
import { checkSetup } from './cli/check-setup.js';
import { loadConfig } from './config/load-config.js';
import { startCrew } from './create-crew.js';
import { ConfigError } from './core/errors.js';

/** Entry point: validate config, start the crew, stop gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
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
  const crew = await startCrew({ config, logger });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    crew
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`crew: failed to start: ${message}\n`);
  process.exit(1);
});
