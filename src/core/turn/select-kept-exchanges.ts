/** Which exchanges of a thread's history go into the next request. */
export interface KeptExchanges {
  /** True when the thread's first exchange is sent. */
  keepFirst: boolean;
  /**
   * How many exchanges right after the first are left out: the sent history is the first
   * exchange (when kept) followed by exchanges `1 + cut …` to the end.
   */
  cut: number;
}

/** Input of {@link selectKeptExchanges}. */
export interface ExchangeSelection {
  /** Token weight of each stored exchange, oldest first. */
  weights: readonly number[];
  /** Tokens available for history (budget − system − new question). */
  room: number;
  /** Tokens reserved for the "left out" note when anything is left out. */
  noteTokens: number;
  /** Trim granularity in tokens: exchanges are left out in chunks of about this size. */
  chunkTokens: number;
}

/**
 * Picks the history to send. Everything, when it fits. Otherwise the first exchange (it frames
 * the thread) when it fits, and the most recent exchanges, leaving out exchanges 1 … cut.
 *
 * The cut only moves in coarse steps, so the request's prefix stays byte-identical (and its
 * prompt cache valid) for many turns: the possible cuts are the points where the cumulative
 * weight of exchanges 1, 2, … first reaches a multiple of `chunkTokens`. Those points depend
 * only on exchanges already stored, so they do not move as the thread grows; the chosen cut is
 * the first of them that makes the rest fit, and it advances by about `chunkTokens` at a time —
 * one prompt-cache rewrite frees room for several turns.
 */
export function selectKeptExchanges(selection: ExchangeSelection): KeptExchanges {
  const { weights, room, noteTokens } = selection;
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= room) return { keepFirst: true, cut: 0 };

  const first = weights[0] ?? 0;
  const keepFirst = weights.length > 0 && first + noteTokens <= room;
  const restRoom = room - noteTokens - (keepFirst ? first : 0);
  const rest = weights.slice(1);
  const restTotal = total - first;
  const chunk = Math.max(1, selection.chunkTokens);

  let cumulative = 0;
  let nextBoundary = chunk;
  for (let index = 0; index <= rest.length; index += 1) {
    const isCutPoint = index === 0 || index === rest.length || cumulative >= nextBoundary;
    if (isCutPoint) {
      if (restTotal - cumulative <= restRoom) return { keepFirst, cut: index };
      while (nextBoundary <= cumulative) nextBoundary += chunk;
    }
    cumulative += rest[index] ?? 0;
  }
  return { keepFirst, cut: rest.length };
}
