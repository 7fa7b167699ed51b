import type { Reply, ReplySink } from '../../core/reply/ports.js';

/** Options for the terminal sink. */
export interface TerminalReplySinkOptions {
  /** Where the answer's text goes (stdout). */
  out: NodeJS.WritableStream;
  /** Where status, progress and notices go (stderr). */
  err: NodeJS.WritableStream;
}

/**
 * Shows answers in a terminal: text streams to `out` as it arrives; status, progress and notices
 * go to `err`. Status lines name the agent ("… Backend Architect is thinking…"), as Slack shows
 * the agent's name beside its status.
 */
export function createTerminalReplySink(options: TerminalReplySinkOptions): ReplySink {
  return {
    open(target): Reply {
      let started = false;
      const agentName = target.agent.displayName || target.agent.name;
      return {
        messageTs: [],
        // Nothing is left half-written in a terminal: no messages to record.
        messagesAfter: async () => undefined,
        stopped: new AbortController().signal,
        status(text) {
          if (!started) options.err.write(`… ${agentName} ${text}\n`);
        },
        text(delta) {
          started = true;
          options.out.write(delta);
        },
        progress(item) {
          options.err.write(`\n[${item.status}] ${item.title}${item.details ? `: ${item.details}` : ''}\n`);
        },
        async finish(ending = {}) {
          options.out.write('\n');
          if (ending.notice) options.err.write(`${ending.notice}\n`);
        },
        async fail(notice) {
          options.err.write(`\n${agentName}: ${notice}\n`);
        },
      };
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
    async readDeliveredAnswer() {
      // A terminal answer is never re-run after a crash.
      return undefined;
    },
    async recoverUnrecordedReply() {
      return { marked: 0 };
    },
  };
}
