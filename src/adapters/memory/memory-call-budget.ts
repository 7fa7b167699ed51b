import type { CallBudget } from '../../core/quota/ports.js';
import { reserveCallSlot, type CallSlotState } from '../../core/quota/reserve-call-slot.js';

/** Call slots in process memory (memory mode runs one replica); idle scopes are forgotten. */
export function createMemoryCallBudget(): CallBudget {
  const states = new Map<string, CallSlotState>();
  return {
    async reserve(scope, rate, now) {
      const { waitMs, state } = reserveCallSlot(states.get(scope), rate, now);
      states.set(scope, state);
      // A scope whose slots all lie in the past holds nothing worth keeping.
      if (states.size > 10_000) for (const [key, value] of states) if (value.nextAt < now) states.delete(key);
      return waitMs;
    },
  };
}
