/** How an agent file's text divides into frontmatter and body. Lines are 1-based file lines. */
export type FrontmatterSplit =
  /** No frontmatter: the whole text is the body. */
  | { kind: 'none'; body: string }
  /** A block between a `---` line and the next `---` line. */
  | { kind: 'block'; block: string; openLine: number; closeLine: number; body: string; bodyStartLine: number }
  /** A `---` line opens a block that no `---` line closes. */
  | { kind: 'unterminated'; openLine: number }
  /** The opening line starts with `---` but carries more, e.g. `---js` (only plain YAML is read). */
  | { kind: 'bad-opening'; openLine: number; found: string };

const DELIMITER = /^---[ \t]*$/;

/**
 * Splits normalized text (no BOM, `\n` line ends) into frontmatter block and body.
 * Blank lines before the opening `---` are allowed. The block ends at the first line that is
 * exactly `---` (trailing spaces allowed); lines like `----` or `--- x` do not close it.
 */
export function splitFrontmatter(text: string): FrontmatterSplit {
  const lines = text.split('\n');
  const openIndex = lines.findIndex((line) => line.trim() !== '');
  const opening = openIndex === -1 ? undefined : lines[openIndex];
  if (opening === undefined || !opening.startsWith('---')) return { kind: 'none', body: text };
  if (!DELIMITER.test(opening)) {
    // `----` and longer rules are Markdown, not frontmatter.
    if (/^-{4,}[ \t]*$/.test(opening)) return { kind: 'none', body: text };
    return { kind: 'bad-opening', openLine: openIndex + 1, found: opening.trim() };
  }
  const closeOffset = lines.slice(openIndex + 1).findIndex((line) => DELIMITER.test(line));
  if (closeOffset === -1) return { kind: 'unterminated', openLine: openIndex + 1 };
  const closeIndex = openIndex + 1 + closeOffset;
  return {
    kind: 'block',
    block: lines.slice(openIndex + 1, closeIndex).join('\n'),
    openLine: openIndex + 1,
    closeLine: closeIndex + 1,
    body: lines.slice(closeIndex + 1).join('\n'),
    bodyStartLine: closeIndex + 2,
  };
}
