import { pino, type Logger as PinoLogger } from 'pino';

/** Options for the process logger. */
export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Where JSON lines go (tests pass a stream to read them). Defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/**
 * Paths whose values are replaced by `[redacted]` in every log line: the fields where a token,
 * key or secret could sit, at the top level and one level down (pino redaction is by path, not
 * by value). The code never logs secrets on purpose; this is the second line of defence.
 * Message text is a separate matter: the code logs it only at debug level (`question`,
 * `answer` fields), so at `info` it never appears.
 */
export const redactedPaths = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'apiKey',
  'authorization',
  'password',
  'secret',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'ANTHROPIC_API_KEY',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.apiKey',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.SLACK_BOT_TOKEN',
  '*.SLACK_APP_TOKEN',
  '*.SLACK_SIGNING_SECRET',
  '*.ANTHROPIC_API_KEY',
  'headers.authorization',
  'headers.Authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["x-slack-signature"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers["x-api-key"]',
  'req.headers.authorization',
  'config.slack.botToken',
  'config.slack.signingSecret',
  'config.slack.appToken',
  'config.anthropic.apiKey',
];

/**
 * Creates the pino logger: one JSON line per entry by default; with `pretty`, human-readable
 * lines via pino-pretty (a worker thread; colours when stdout is a terminal). Redaction
 * applies to both.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  const base = {
    level: options.level,
    base: { service: 'crew' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (options.format === 'pretty') {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: { colorize: Boolean(process.stdout.isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    });
  }
  // Synchronous stdout: a few lines per turn cost nothing, and the last lines before
  // `process.exit` (shutdown, fatal errors) are written, in order. Pino's default async
  // stream can lose or reorder them.
  return pino(base, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
