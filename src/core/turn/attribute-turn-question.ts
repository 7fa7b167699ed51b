import { attributeQuestion } from './attribute-message.js';
import type { UserDirectory } from '../thread/ports.js';
import { resolveDisplayNames } from './resolve-display-names.js';
import type { StoredTurn } from '../thread/thread-state.js';

/** What {@link attributeTurnQuestion} needs. */
export interface AttributeTurnQuestionOptions {
  /** Resolves display names; without one, authors are shown by id. */
  directory?: UserDirectory;
  teamId: string;
  /** Who asks this turn. */
  userId: string;
  /** The question as it will be sent (seeded or not). */
  text: string;
  /** The thread's stored history (its user turns say who asked before). */
  history: readonly StoredTurn[];
}

/** The people whose questions a history holds, each once, in the order they first asked. */
export function participantsOf(history: readonly StoredTurn[]): string[] {
  const ids = history.flatMap((turn) => (turn.role === 'user' && turn.userId !== undefined ? [turn.userId] : []));
  return [...new Set(ids)];
}

/**
 * The turn's question with its author when the thread has several people ({@link attributeQuestion}).
 * Looks names up only when the question is attributed: one-person threads cost no lookup.
 */
export async function attributeTurnQuestion(options: AttributeTurnQuestionOptions): Promise<string> {
  const participants = participantsOf(options.history);
  if (participants.every((userId) => userId === options.userId)) return options.text;
  const names = await resolveDisplayNames(options.directory, options.teamId, [options.userId, ...participants.slice(0, 1)]);
  return attributeQuestion({
    userId: options.userId,
    displayName: names.get(options.userId),
    text: options.text,
    participants: participants.map((userId) => ({ userId, displayName: names.get(userId) })),
  });
}
