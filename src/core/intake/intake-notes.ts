/** The words the intake says to an asker, beside refusals (see `describeRefusal`). */

/** A question that is only a mention: how to ask, with the crew's names. */
export function formatUsageHint(options: { isDirectMessage: boolean; botHandle: string; agentNames: readonly string[] }): string {
  const names = options.agentNames.map((name) => `\`${name}\``).join(', ');
  const example = options.isDirectMessage ? '`how should we model refunds?`' : `\`${options.botHandle} how should we model refunds?\``;
  const lead = options.isDirectMessage ? '👋 Send me a question, e.g.' : '👋 Ask me a question after the mention, e.g.';
  return `${lead} ${example}\nPick a crew member by starting with its name (${names}), or use \`/crew help\`.`;
}

export const filesWithoutQuestionNote =
  "📎 I have the file, but no question with it. Send the file again with what you'd like to know about it in the same message.";

const skipWords: Record<string, string> = {
  deleted: 'it was deleted',
  no_access: "I'm not allowed to see it (it may be restricted or shared from another workspace)",
  external: 'it is stored outside Slack',
  unsupported_type: 'I can read text, code, PDFs and PNG/JPEG/GIF/WebP images, not this type',
  too_large: 'it is over the size limit',
  no_download_url: 'Slack gave no download link for it',
  too_many: 'only the first files of a message are read',
  total_too_large: 'the files of this message together are over the limit',
};

/** Said when some shared files are not read; the question is answered from the rest. */
export function formatSkippedFilesNote(skipped: readonly { name: string; reason: string }[]): string {
  const lines = skipped.map((file) => `• \`${file.name.replace(/`/g, "'")}\`: ${skipWords[file.reason] ?? file.reason}`);
  return `📎 I'm answering without ${skipped.length === 1 ? 'this file' : 'these files'}:\n${lines.join('\n')}`;
}

/** Said when a long question was cut to the limit. */
export function formatTrimmedNote(originalChars: number, maxChars: number): string {
  return `Your message was ${originalChars.toLocaleString('en-US')} characters long; I read the first ${maxChars.toLocaleString('en-US')}.`;
}

/** Said when the question waits behind others in its thread. */
export function formatQueuedNote(waitingAhead: number): string {
  const ahead = waitingAhead === 1 ? 'answer in progress' : `${waitingAhead} questions ahead of it`;
  return `⏳ Queued — I'll answer this right after the ${ahead} in this thread.`;
}
