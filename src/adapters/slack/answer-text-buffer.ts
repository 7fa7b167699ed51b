/**
 * The answer text not yet sent to Slack, and where progress items (tool calls, consults) stand
 * in it, so a task card goes out exactly between the text pushed before it and the text after.
 * Positions are counted in characters pushed since the answer began.
 */
export class AnswerTextBuffer {
  /** Text waiting to be sent, oldest first. */
  pending = '';
  private pushedChars = 0;
  /** Positions of queued progress items, oldest first. */
  private readonly marks: number[] = [];

  push(text: string): void {
    this.pending += text;
    this.pushedChars += text.length;
  }

  /** Marks the current end of the text as the place of the next progress item. */
  markProgress(): void {
    this.marks.push(this.pushedChars);
  }

  /** The oldest progress item was shown: text after it may go. */
  progressShown(): void {
    this.marks.shift();
  }

  get hasProgressWaiting(): boolean {
    return this.marks.length > 0;
  }

  /** Characters that may go out now: all pending text, or what precedes the next progress item. */
  sendable(): number {
    const next = this.marks[0];
    if (next === undefined) return this.pending.length;
    const pendingStart = this.pushedChars - this.pending.length;
    return Math.max(0, Math.min(this.pending.length, next - pendingStart));
  }

  /** Removes and returns the first `chars` of the pending text. */
  take(chars: number): string {
    const taken = this.pending.slice(0, chars);
    this.pending = this.pending.slice(chars);
    return taken;
  }

  /** Puts text that could not be sent back in front (it keeps its place before later marks). */
  putBack(text: string): void {
    this.pending = text + this.pending;
  }

  /** Drops everything pending (the answer was stopped or refused). */
  clear(): void {
    this.pending = '';
  }
}
