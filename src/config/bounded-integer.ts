import { z } from 'zod';

/**
 * Longest delay a Node timer honours. A larger one is clamped to 1 ms with only a warning, so a
 * typo in a `*_MS` setting would turn a watchdog or a renewal timer into a silent hot loop.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Bounds of one whole-number setting; the messages name them so an operator knows what to set. */
export interface IntegerBounds {
  min: number;
  max: number;
  /** Why the maximum is what it is, appended to the error ("must be at most 60000 (…)"). */
  maxReason?: string;
  /** Overrides "must be at least <min>" (e.g. "must be 0 (off) or more"). */
  minMessage?: string;
}

/**
 * A whole number read from the environment, between `min` and `max` inclusive. Every numeric
 * setting has an upper bound: an unbounded one lets a slip of the keyboard (an extra 0) become
 * an outage instead of a start-up error.
 */
export function boundedInteger(bounds: IntegerBounds) {
  const reason = bounds.maxReason === undefined ? '' : ` (${bounds.maxReason})`;
  const minMessage = bounds.minMessage ?? (bounds.min === 1 ? 'must be greater than 0' : `must be at least ${bounds.min}`);
  return z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(bounds.min, minMessage)
    .max(bounds.max, `must be at most ${bounds.max}${reason}`);
}

/** A duration in milliseconds: a bounded integer whose maximum a Node timer can actually wait. */
export function boundedDurationMs(bounds: IntegerBounds) {
  if (bounds.max > MAX_TIMER_MS) throw new RangeError(`a duration setting may not allow more than ${MAX_TIMER_MS} ms`);
  return boundedInteger(bounds);
}
