import matter from 'gray-matter';

/** Result of reading a frontmatter block as strict YAML. `line` is 1-based within the block. */
export type FrontmatterYamlResult = { ok: true; data: unknown } | { ok: false; reason: string; line?: number };

/**
 * Reads a frontmatter block (the lines between the `---` delimiters) as strict YAML with
 * gray-matter (js-yaml safe schema: no custom tags, no code).
 *
 * gray-matter pitfalls handled here: it caches results by input text when called without
 * options (and hands out the cached object), so a fresh options object is passed on every call;
 * it picks an engine from text after the opening `---` (`---js` evaluates JavaScript), so the
 * block is re-wrapped in bare `---` lines; and it ends the block at any line starting with
 * `---`, so such lines are refused up front.
 */
export function parseFrontmatterYaml(block: string): FrontmatterYamlResult {
  const lines = block.split('\n');
  const dashIndex = lines.findIndex((line) => line.startsWith('---'));
  if (dashIndex !== -1) {
    return { ok: false, reason: "a line inside the frontmatter starts with '---'", line: dashIndex + 1 };
  }
  try {
    const file = matter(`---\n${block}\n---\n`, {});
    return { ok: true, data: file.data };
  } catch (error) {
    return { ok: false, ...describeYamlError(error, lines.length) };
  }
}

function describeYamlError(error: unknown, lineCount: number): { reason: string; line?: number } {
  if (typeof error !== 'object' || error === null) return { reason: String(error) };
  const { reason, mark, message } = error as { reason?: unknown; mark?: { line?: unknown }; message?: unknown };
  const text = typeof reason === 'string' ? reason : typeof message === 'string' ? message : String(error);
  // gray-matter feeds js-yaml "\n" + block, so js-yaml's 0-based line is the block's 1-based line.
  const markLine = mark?.line;
  if (typeof markLine !== 'number') return { reason: text };
  return { reason: text, line: Math.min(Math.max(markLine, 1), Math.max(lineCount, 1)) };
}
