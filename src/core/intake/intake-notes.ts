/** The words the intake says to an asker, beside refusals (see `describeRefusal`). */

/** A question that is only a mention: how to ask, with the crew's names. */
export function formatUsageHint(options: { isDirectMessage: boolean; botHandle: string; agentNames: readonly string[] }): string {
  const names = options.agentNames.map((name) => `\`${name}\``).join(', ');
  const example = options.isDirectMessage ? '`how should we model refunds?`' : `\`${options.botHandle} how should we model refunds?\``;
  const lead = options.isDirectMessage ? '👋 Send me a question, e.g.' : '👋 Ask me a question after the mention, e.g.';
  return `${lead} ${example}\nPick a crew member by starting with its name (${names}), or use \`/crew help\`.`;
}

export const filesWithoutQuestionNote =
  "📎 I can't read files yet, only the text of a message. Paste the part you want me to look at as text (a code block works well) and ask again.";

export const filesIgnoredNote = "📎 I can't read attached files yet, so I'm answering from the text of your message only.";

/** Said when a long question was cut to the limit. */
export function formatTrimmedNote(originalChars: number, maxChars: number): string {
  return `Your message was ${originalChars.toLocaleString('en-US')} characters long; I read the first ${maxChars.toLocaleString('en-US')}.`;
}

/** Said when the question waits behind others in its thread. */
export function formatQueuedNote(waitingAhead: number): string {
  const ahead = waitingAhead === 1 ? 'answer in progress' : `${waitingAhead} questions ahead of it`;
  return `⏳ Queued — I'll answer this right after the ${ahead} in this thread.`;
}
