/**
 * The fence state after one line: the opening fence (e.g. "```ts") while inside a code block,
 * undefined outside. `open` is the state before the line.
 */
export function nextFenceState(open: string | undefined, line: string): string | undefined {
  const match = /^\s{0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (!match?.[1]) return open;
  if (open === undefined) return `${match[1]}${(match[2] ?? '').trim()}`;
  // A closing fence uses the opening's character, at least as many times, and no info string.
  if (match[1][0] === open[0] && match[1].length >= fenceMarker(open).length && (match[2] ?? '').trim() === '') return undefined;
  return open;
}

/** The code fence left open at the end of some Markdown, if any (e.g. "```ts"). */
export function findOpenFence(markdown: string): string | undefined {
  let open: string | undefined;
  for (const line of markdown.split('\n')) open = nextFenceState(open, line);
  return open;
}

/** The fence marker (``` or ~~~) of an opening fence line such as "```ts". */
export function fenceMarker(openFence: string): string {
  return /^(`{3,}|~{3,})/.exec(openFence)?.[1] ?? '```';
}

/** The fence to reopen in a new message when `text` ends inside a code block. */
export function reopenFor(text: string): string {
  const open = findOpenFence(text);
  return open ? `${open}\n` : '';
}
