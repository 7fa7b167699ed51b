import { describe, expect, it } from 'vitest';
import { findOpenFence } from './markdown-fences.js';
import { splitMarkdown } from './split-markdown.js';

const fenceLine = /^\s{0,3}(`{3,}|~{3,})/;

/** Words of the text, ignoring fence lines (the splitter adds and removes those). */
function wordsOf(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !fenceLine.test(line))
    .join('\n')
    .split(/\s+/)
    .filter((word) => word !== '');
}

/** All non-space characters outside fence lines, in order (survives cuts inside a word). */
function letters(text: string): string {
  return wordsOf(text).join('');
}

function expectWellFormed(chunks: string[], maxChars: number): void {
  expect(chunks.length).toBeGreaterThan(0);
  for (const chunk of chunks) {
    expect(chunk.length).toBeLessThanOrEqual(maxChars);
    expect(chunk.trim()).not.toBe('');
    expect(findOpenFence(chunk)).toBeUndefined();
  }
}

function paragraph(index: number, words = 20): string {
  return `Paragraph ${index}: ${Array.from({ length: words }, (_, word) => `w${index}x${word}`).join(' ')}.`;
}

function codeLines(count: number): string {
  return Array.from({ length: count }, (_, line) => `  const value${line} = compute(${line}); // step ${line}`).join('\n');
}

/** Small deterministic PRNG so the generated cases are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('splitMarkdown', () => {
  it('returns short text as one chunk, unchanged', () => {
    const text = '# Title\n\nSome *text* with `code`.\n\n```ts\nconst a = 1;\n```';
    expect(splitMarkdown(text, 1000)).toEqual([text]);
  });

  it('returns text of exactly the limit as one chunk', () => {
    const text = 'a'.repeat(100);
    expect(splitMarkdown(text, 100)).toEqual([text]);
  });

  it('returns nothing for empty text', () => {
    expect(splitMarkdown('', 100)).toEqual([]);
  });

  it('splits at paragraph boundaries and keeps every word in order', () => {
    const paragraphs = Array.from({ length: 12 }, (_, index) => paragraph(index));
    const text = paragraphs.join('\n\n');
    const chunks = splitMarkdown(text, 500);

    expect(chunks.length).toBeGreaterThan(1);
    expectWellFormed(chunks, 500);
    expect(wordsOf(chunks.join('\n\n'))).toEqual(wordsOf(text));
    // Each chunk is a run of whole paragraphs.
    for (const chunk of chunks) {
      for (const part of chunk.split('\n\n')) expect(paragraphs).toContain(part);
    }
  });

  it('falls back to line breaks, then spaces, inside a long paragraph', () => {
    const lines = Array.from({ length: 30 }, (_, index) => `line ${index} of the same paragraph`).join('\n');
    const lineChunks = splitMarkdown(lines, 200);
    expectWellFormed(lineChunks, 200);
    for (const chunk of lineChunks) {
      expect(chunk.startsWith('line ')).toBe(true);
      expect(chunk.endsWith('paragraph')).toBe(true);
    }
    expect(wordsOf(lineChunks.join('\n'))).toEqual(wordsOf(lines));

    const sentence = Array.from({ length: 100 }, (_, index) => `word${index}`).join(' ');
    const wordChunks = splitMarkdown(sentence, 120);
    expectWellFormed(wordChunks, 120);
    expect(wordsOf(wordChunks.join(' '))).toEqual(wordsOf(sentence));
  });

  it('splits a single long line without spaces', () => {
    const text = 'x'.repeat(1000);
    const chunks = splitMarkdown(text, 300);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expectWellFormed(chunks, 300);
    expect(chunks.join('')).toBe(text);
  });

  it('closes a long code block in one chunk and reopens it with the same language in the next', () => {
    const code = codeLines(40);
    const text = `Here is the fix:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nThat should do it.`;
    const chunks = splitMarkdown(text, 600);

    expect(chunks.length).toBeGreaterThan(1);
    expectWellFormed(chunks, 600);
    expect(chunks[0]?.startsWith('Here is the fix:')).toBe(true);
    expect(chunks[0]?.endsWith('\n```')).toBe(true);
    for (const chunk of chunks.slice(1)) expect(chunk.startsWith('```ts\n')).toBe(true);
    expect(chunks.at(-1)?.endsWith('That should do it.')).toBe(true);
    // No code line is lost or duplicated.
    const codeOut = chunks
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('const value'));
    expect(codeOut).toEqual(code.split('\n'));
  });

  it('keeps tilde fences and longer backtick fences balanced', () => {
    for (const [open, close] of [
      ['~~~sh', '~~~'],
      ['````md', '````'],
    ] as const) {
      const text = `${open}\n\`\`\`js\nnested();\n\`\`\`\n${codeLines(30)}\n${close}\nafter`;
      const chunks = splitMarkdown(text, 400);
      expect(chunks.length).toBeGreaterThan(1);
      expectWellFormed(chunks, 400);
      for (const chunk of chunks.slice(1, -1)) expect(chunk.startsWith(`${open}\n`)).toBe(true);
      expect(letters(chunks.join('\n'))).toBe(letters(text));
    }
  });

  it('splits a code block made of one long line', () => {
    const text = `\`\`\`\n${'y'.repeat(1000)}\n\`\`\``;
    const chunks = splitMarkdown(text, 300);
    expectWellFormed(chunks, 300);
    expect(chunks.map((chunk) => chunk.replace(/^```\n|\n```$/g, '')).join('')).toBe('y'.repeat(1000));
  });

  it('keeps mixed generated Markdown within the limit, balanced and complete', () => {
    const next = random(42);
    for (let sample = 0; sample < 40; sample += 1) {
      const blocks: string[] = [];
      const blockCount = 3 + Math.floor(next() * 10);
      for (let block = 0; block < blockCount; block += 1) {
        const kind = next();
        if (kind < 0.5) blocks.push(paragraph(block, 5 + Math.floor(next() * 60)));
        else if (kind < 0.8) blocks.push(`\`\`\`py\n${codeLines(2 + Math.floor(next() * 30))}\n\`\`\``);
        else if (kind < 0.9) blocks.push(`- ${paragraph(block, 10)}\n- item two\n- item three`);
        else blocks.push('z'.repeat(50 + Math.floor(next() * 400)));
      }
      const text = blocks.join('\n\n');
      const maxChars = 150 + Math.floor(next() * 600);
      const chunks = splitMarkdown(text, maxChars);
      expectWellFormed(chunks, maxChars);
      expect(letters(chunks.join('\n'))).toBe(letters(text));
    }
  });
});
