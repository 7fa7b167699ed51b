import { findCleanBreaks } from './markdown-breaks.js';

/** How old the open streaming message is, relative to the rotation settings. */
export type StreamAge = 'fresh' | 'due' | 'overdue';

/** What {@link planStreamChunk} decides from. */
export interface StreamChunkInput {
  /** Text already in the message (for a new one: the reopened code fence, if any). */
  messageText: string;
  /** Model text waiting to be sent. */
  pending: string;
  /** Most characters this one call may carry (Slack: 12,000 of `markdown_text`). */
  callRoom: number;
  /** Hard cap of one message. */
  maxMessageChars: number;
  /** Past this length the message ends at the next clean break. */
  softMessageChars: number;
  /** `due`: end at the next clean break; `overdue`: end now. */
  age: StreamAge;
}

/** How much pending text goes into the message, and whether the message ends after it. */
export interface StreamChunkPlan {
  text: string;
  endsMessage: boolean;
}

/** Best cut ≤ room when no clean break fits: a line break past half, then a space, else room. */
function fallbackCut(pending: string, room: number): number {
  const window = pending.slice(0, room);
  for (const separator of ['\n', ' ']) {
    const index = window.lastIndexOf(separator);
    if (index >= room / 2) return index + 1;
  }
  return room;
}

/**
 * Chooses the next chunk of a streamed answer. A message ends at a clean break — after a
 * paragraph or a closing code fence, never inside a code block — once it is long or old;
 * only when no clean break fits (a code block longer than a message) is it cut inside a line
 * run, and the caller closes and reopens the fence.
 */
export function planStreamChunk(input: StreamChunkInput): StreamChunkPlan {
  const { messageText, pending } = input;
  const room = Math.min(input.callRoom, input.maxMessageChars - messageText.length);
  if (room <= 0) return { text: '', endsMessage: true };
  const base = messageText.length;
  const window = Math.min(room, pending.length);
  const combined = messageText + pending.slice(0, window);

  if (input.age !== 'fresh' || base >= input.softMessageChars) {
    const [first] = findCleanBreaks(combined, base, base + window);
    if (first !== undefined) return { text: pending.slice(0, first - base), endsMessage: true };
    if (input.age === 'overdue') return { text: pending.slice(0, window === room ? fallbackCut(pending, room) : window), endsMessage: true };
  }
  if (pending.length <= room) return { text: pending, endsMessage: false };
  const last = findCleanBreaks(combined, base, base + room).at(-1);
  if (last !== undefined) return { text: pending.slice(0, last - base), endsMessage: true };
  return { text: pending.slice(0, fallbackCut(pending, room)), endsMessage: true };
}

/**
 * How old a streaming message is for rotation: `due` past `maxStreamAgeMs` (end it at the next
 * clean break), `overdue` once a grace period for finding that break is over (end it now).
 */
export function classifyStreamAge(ageMs: number, maxStreamAgeMs: number): StreamAge {
  const grace = Math.min(30_000, Math.max(1_000, maxStreamAgeMs / 4));
  if (ageMs >= maxStreamAgeMs + grace) return 'overdue';
  return ageMs >= maxStreamAgeMs ? 'due' : 'fresh';
}
