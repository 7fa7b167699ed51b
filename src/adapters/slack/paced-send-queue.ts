/** Options of {@link PacedSendQueue}. */
export interface PacedSendQueueOptions {
  /** Sends whatever is buffered (runs on the queue, one at a time with every other step). */
  send: () => Promise<void>;
  /** Minimum time from one send's start to the next (read at each request). */
  intervalMs: () => number;
  /** Receives a step's failure; later steps still run (they check for themselves whether to do anything). */
  onError: (error: unknown) => void;
  now?: () => number;
}

/**
 * Serializes one reply's Slack calls and paces its sends. The first send runs at once (the
 * first words go out on the first token); later ones start at most once per interval. At most
 * one send is waiting at a time, however many requests arrive, and none is left behind by
 * `cancel()` — so no timer fires after an answer is finished or stopped.
 */
export class PacedSendQueue {
  /** When the last send started (undefined until the first). */
  lastSendAt?: number;
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  /** A send is queued or waiting on the timer. */
  private scheduled = false;
  private readonly now: () => number;

  constructor(private readonly options: PacedSendQueueOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Asks for a send: now when none started within the interval, else when the interval is up. */
  request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastSendAt === undefined ? 0 : Math.max(0, this.lastSendAt + this.options.intervalMs() - this.now());
    if (wait === 0) {
      void this.run(() => this.sendScheduled());
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run(() => this.sendScheduled());
    }, wait);
  }

  /** Sends now, after everything already queued (ignores the interval). */
  sendNow(): Promise<void> {
    return this.run(() => this.sendScheduled());
  }

  /** Runs `step` after everything already queued; resolves when it is done (never rejects). */
  run(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((error: unknown) => this.options.onError(error));
    return this.chain;
  }

  /** Drops a send waiting on the timer. */
  cancel(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = false;
  }

  private sendScheduled(): Promise<void> {
    this.scheduled = false;
    this.lastSendAt = this.now();
    return this.options.send();
  }
}
