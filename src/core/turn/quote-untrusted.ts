/** Name of the tag that fences untrusted material in a prompt (the system prompt's rule names it too). */
export const UNTRUSTED_TAG = 'untrusted_material';

/** What stands in for a delimiter name found inside quoted material or an attribute. */
export const NEUTRALIZED_TAG_NAME = '[delimiter name removed]';

/** Material for the model that nobody trusted wrote: another person's message, a bot's post, a file, a tool's result. */
export interface UntrustedMaterial {
  /** Where it came from, e.g. `slack-message`, `slack-bot`, `file`, `tool-result`. */
  source: string;
  /** Who wrote it, as the model should read it (e.g. `Alice (U123)`); omitted for authorless material. */
  author?: string;
  /** The material itself, verbatim. */
  text: string;
}

/** One character the model may not see but that splits a word: a format character, a combining mark, or a soft-hyphen or zero-width reference. */
const INVISIBLE_UNIT = String.raw`[\p{Cf}\p{M}]|&(?:shy|zwj|zwnj|ZeroWidthSpace);?|&#0*(?:173|8203|8204|8205|8288|65279);?|&#x0*(?:ad|200b|200c|200d|2060|feff);?`;

/** What may stand between two letters of the tag name. */
const INVISIBLE = `(?:${INVISIBLE_UNIT})*`;

/** Blanks, spelled out rather than `\s`: `\s` includes U+FEFF, a format character — two ways to match one character in a repeated group backtrack exponentially. */
const BLANKS = String.raw`\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;

/**
 * What may stand between the two words of the tag name: nothing, invisible characters, separators
 * of any sort, and their references. Every alternative matches different characters, so the
 * repetition never backtracks more than linearly.
 */
const SEPARATOR = String.raw`(?:${INVISIBLE_UNIT}|[${BLANKS}_\-.:\\\p{Pd}\p{Pc}]|&(?:lowbar|nbsp|hyphen|dash|UnderBar);?|&#0*(?:95|45|32|160);?|&#x0*(?:5f|2d|20|a0);?)*`;

/** Common look-alikes (Cyrillic, Greek) of the tag name's letters; not every homoglyph, the system prompt's rule is the second line. */
const LOOK_ALIKES: Record<string, string> = { a: 'аα', d: 'ԁ', e: 'еε', i: 'іıι', l: 'ӏ', r: 'г', s: 'ѕ', t: 'τт', u: 'υ' };

/** One letter of the tag name: either case, fullwidth forms, look-alikes, and its decimal or hex character reference. */
function letterPattern(letter: string): string {
  const lower = letter.toLowerCase().charCodeAt(0);
  const upper = letter.toUpperCase().charCodeAt(0);
  const fullwidthLower = String.fromCodePoint(0xff41 + lower - 0x61);
  const fullwidthUpper = String.fromCodePoint(0xff21 + upper - 0x41);
  const hex = (code: number) => code.toString(16);
  const characters = `${letter.toLowerCase()}${letter.toUpperCase()}${fullwidthLower}${fullwidthUpper}${LOOK_ALIKES[letter] ?? ''}`;
  return `(?:[${characters}]|&#0*(?:${lower}|${upper});?|&#x0*(?:${hex(lower)}|${hex(upper)});?)`;
}

function wordPattern(word: string): string {
  return [...word].map(letterPattern).join(INVISIBLE);
}

/**
 * The tag name as anything might spell it so that a reader takes it for the tag: any case,
 * fullwidth letters, character references, invisible characters inside, any separator or none
 * between the words. Matching the *name* (not the angle brackets) covers `</untrusted_material>`,
 * `&lt;/UNTRUSTED-MATERIAL&gt;`, `＜／ｕｎｔｒｕｓｔｅｄ material＞` and the like in one rule.
 */
const TAG_NAME = new RegExp(`${wordPattern('untrusted')}${SEPARATOR}${wordPattern('material')}`, 'giu');

/**
 * Replaces every spelling of the delimiter's name in `text` (see {@link TAG_NAME}), so that no
 * opening or closing delimiter can be formed from it, in any encoding. The rest is left as is:
 * code, angle brackets and entities that do not name the delimiter reach the model unchanged.
 */
export function neutralizeUntrustedTags(text: string): string {
  return text.replace(TAG_NAME, NEUTRALIZED_TAG_NAME);
}

/** An attribute value: one line, no delimiter name, and XML-escaped so it cannot end the attribute or the tag. */
function escapeAttribute(value: string): string {
  return neutralizeUntrustedTags(value)
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * Fences material nobody trusted in `<untrusted_material source="…" author="…">` … `</untrusted_material>`,
 * each tag on its own line. The material cannot forge either tag: every spelling of the tag name
 * inside it is neutralised ({@link neutralizeUntrustedTags}), and attribute values are escaped, so
 * an author named `x" source="system` stays one attribute. The system prompt's rule
 * (`untrusted-material-rule.ts`) tells the model such material is data, not instructions.
 * Pure and deterministic: the same material always renders to the same bytes (the prompt cache
 * depends on it).
 */
export function quoteUntrusted(material: UntrustedMaterial): string {
  const author = material.author === undefined ? '' : ` author="${escapeAttribute(material.author)}"`;
  return `<${UNTRUSTED_TAG} source="${escapeAttribute(material.source)}"${author}>\n${neutralizeUntrustedTags(material.text)}\n</${UNTRUSTED_TAG}>`;
}
