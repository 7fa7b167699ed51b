/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair (an emoji). */
export function cutWithoutSplittingCharacters(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  const endsInHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return text.slice(0, endsInHighSurrogate ? max - 1 : max);
}

/** A question within the length limit, and its length before when it was cut. */
export interface BoundedQuestion {
  text: string;
  trimmedFrom?: number;
}

/**
 * Keeps a question within `maxChars`. A longer one is cut (never inside an emoji) and the model
 * is told how much was left out, the same way on every surface.
 */
export function boundQuestionText(text: string, maxChars: number): BoundedQuestion {
  if (text.length <= maxChars) return { text };
  const kept = cutWithoutSplittingCharacters(text, maxChars);
  const note = `\n\n[The rest of this message (${text.length - kept.length} characters) was cut off because it was too long.]`;
  return { text: `${kept}${note}`, trimmedFrom: text.length };
}
