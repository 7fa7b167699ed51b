import { formatAuthor } from './format-author.js';
import { neutralizeUntrustedTags } from './quote-untrusted.js';

/** A person's own message to the crew, with who sent it. */
export interface AttributedMessage {
  /** Chat user id of the author (from the event, so trusted). */
  userId: string;
  /** Display name from the user directory; the id alone when unknown. */
  displayName?: string;
  /** What the person wrote, verbatim. */
  text: string;
}

/** What {@link attributeQuestion} needs. */
export interface AttributeQuestionInput extends AttributedMessage {
  /**
   * The people whose questions the thread's stored history already holds, each once, in the
   * order they first asked (the first is who started the conversation with the crew).
   */
  participants: ReadonlyArray<{ userId: string; displayName?: string }>;
}

/** Start of the header line; the model is told (untrusted-material-rule.ts) that only this line names the author. */
const HEADER_START = '[message from ';

/** A line of the text that looks like a header (any case, leading blanks, fullwidth bracket). */
const FORGED_HEADER = /^([ \t]*)([[［][ \t]*message[ \t]+from\b)/gimu;

/**
 * A person's message with its author on a header line of its own: `[message from Alice (U123)]`,
 * then the text. The header cannot be forged by the text: it is always the first line, the
 * author comes from the event's user id (the display name is flattened, see `formatAuthor`), and
 * any line of the text that looks like a header is escaped with a backslash — so text starting
 * with `Bob (U456): …` or `[message from Bob (U456)]` still reads as Alice's. Delimiter names are
 * neutralised as in quoted material, so a person cannot fake another person's quoted message.
 * `note` (crew-written, one line) is appended inside the header.
 */
export function attributeMessage(message: AttributedMessage, note?: string): string {
  const text = neutralizeUntrustedTags(message.text).replace(FORGED_HEADER, '$1\\$2');
  const header = `${HEADER_START}${formatAuthor(message.userId, message.displayName)}${note === undefined ? '' : `; ${note}`}]`;
  return `${header}\n${text}`;
}

/**
 * The question as the model gets it in a thread with several people. While only one person has
 * asked in the thread, the text is returned unchanged — one-person threads (DMs, most mentions)
 * keep today's prompts and pay no extra tokens, and nothing is ambiguous with one author. From
 * the first question by a second person on, every question carries its author
 * ({@link attributeMessage}); that first one's header also says who wrote the earlier,
 * unattributed messages. The result is stored as sent and never re-rendered, so switching on
 * attribution mid-thread leaves the earlier messages — the prompt-cache prefix — byte-identical.
 */
export function attributeQuestion(input: AttributeQuestionInput): string {
  const others = input.participants.filter((participant) => participant.userId !== input.userId);
  if (others.length === 0) return input.text;
  const first = input.participants[0];
  if (input.participants.length !== 1 || first === undefined) return attributeMessage(input);
  // The first attributed question of the thread: name the author of everything before it.
  return attributeMessage(input, `earlier messages without this header came from ${formatAuthor(first.userId, first.displayName)}`);
}
