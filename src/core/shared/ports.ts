/** Ports every module of the core uses: time and logging. */

/** Wall clock, injectable for tests. */
export interface Clock {
  now(): number;
}

/** Structured logger subset the core uses (pino-compatible). */
export interface Logger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}
