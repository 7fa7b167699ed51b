import type { DeliveryReport, ReplySink } from '../../core/reply/ports.js';

/** Options for the terminal sink. */
export interface TerminalReplySinkOptions {
  /** Where the answer's text goes (stdout). */
  out: NodeJS.WritableStream;
  /** Where status and notices go (stderr). */
  err: NodeJS.WritableStream;
}

/** Shows answers in a terminal: text streams to `out` as it arrives, status and notices to `err`. */
export function createTerminalReplySink(options: TerminalReplySinkOptions): ReplySink {
  return {
    async deliver(_target, events, hooks) {
      let text = '';
      let started = false;
      for await (const event of events) {
        if (event.type === 'status' && !started) options.err.write(`… ${event.text}\n`);
        if (event.type === 'text-delta') {
          if (!started) hooks.onMessageStarted('terminal');
          started = true;
          text += event.text;
          options.out.write(event.text);
        }
        if (event.type === 'turn-end') {
          options.out.write('\n');
          if (event.notice) options.err.write(`${event.notice}\n`);
        }
        if (event.type === 'turn-error') options.err.write(`\n${event.notice}\n`);
      }
      const report: DeliveryReport = { deliveredText: text, messageTs: started ? ['terminal'] : [], stoppedByUser: false };
      return report;
    },
    async postNotice(_target, text) {
      options.err.write(`${text}\n`);
    },
    async postPrivateNotice(_target, text) {
      options.err.write(`${text}\n`);
    },
    async markAbandoned() {
      // Nothing is left half-written in a terminal.
    },
  };
}
