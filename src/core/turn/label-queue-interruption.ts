import type { TurnEvent } from './turn-event.js';

/** What the cut-off message says when the queue interrupted the turn (shutdown, lost lock). */
export const queueInterruptionNotice = "⚠️ _Interrupted by a restart. I'll pick this question up again and answer it in a new message shortly._";

/**
 * Passes a turn's events through, but when the queue's `signal` interrupted the turn (the
 * process is shutting down past its deadline, or the thread lock was lost) the ending says
 * so — the job stays queued and is answered again — instead of describing an aborted model
 * call or offering a retry.
 */
export async function* labelQueueInterruption(events: AsyncIterable<TurnEvent>, signal: AbortSignal): AsyncGenerator<TurnEvent> {
  for await (const event of events) {
    if (event.type === 'turn-error' && signal.aborted) {
      yield { type: 'turn-error', error: event.error, notice: queueInterruptionNotice, retryable: false, usage: event.usage };
    } else {
      yield event;
    }
  }
}
