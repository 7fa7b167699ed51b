import { pino, type Logger as PinoLogger } from 'pino';

/** Options for the process logger. */
export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Where JSON lines go (tests pass a stream to read them). Defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/**
 * Paths redacted in every log line. Tokens and keys never reach logs; message text is only
 * logged at debug level by the code itself, and is redacted here as a second line of defence
 * when it sits in a known field.
 */
export const redactedPaths = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'apiKey',
  'authorization',
  'password',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.apiKey',
  '*.authorization',
  '*.password',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
  'config.slack.botToken',
  'config.slack.signingSecret',
  'config.slack.appToken',
  'config.anthropic.apiKey',
];

/** Creates the pino logger: JSON lines by default, human-readable with `pretty`. */
export function createLogger(options: LoggerOptions): PinoLogger {
  const base = {
    level: options.level,
    base: { service: 'crew' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (options.format === 'pretty') {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
