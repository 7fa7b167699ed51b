import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../core/shared/ports.js';

function render(messages: unknown[]): { context: object; message: string } {
  const errors = messages.filter((value): value is Error => value instanceof Error);
  const text = messages
    .filter((value) => !(value instanceof Error))
    .map((value) => (typeof value === 'string' ? value : JSON.stringify(value)))
    .join(' ');
  return { context: errors[0] ? { err: errors[0] } : {}, message: text || errors[0]?.message || '' };
}

/** Adapts our structured logger to Bolt's logger interface (component `bolt`). */
export function createBoltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.INFO;
  return {
    debug: (...messages) => {
      const { context, message } = render(messages);
      child.debug(context, message);
    },
    info: (...messages) => {
      const { context, message } = render(messages);
      child.info(context, message);
    },
    warn: (...messages) => {
      const { context, message } = render(messages);
      child.warn(context, message);
    },
    error: (...messages) => {
      const { context, message } = render(messages);
      child.error(context, message);
    },
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
