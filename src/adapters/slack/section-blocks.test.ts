import { describe, expect, it } from 'vitest';
import { toSectionBlocks } from './section-blocks.js';

const textsOf = (mrkdwn: string) => toSectionBlocks(mrkdwn).map((block) => (block as { text: { text: string } }).text.text);

describe('toSectionBlocks', () => {
  it('keeps short text in one mrkdwn section', () => {
    expect(toSectionBlocks('*Plan*\n• one row per movement')).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*Plan*\n• one row per movement' } }]);
  });

  it('splits text over 3,000 chars at line breaks, each section within the limit, nothing lost', () => {
    const lines = Array.from({ length: 120 }, (_, index) => `line ${index}: ${'x'.repeat(40)}`);
    const sections = textsOf(lines.join('\n'));
    expect(sections.length).toBeGreaterThan(1);
    expect(sections.every((text) => text.length <= 3000)).toBe(true);
    expect(sections.join('\n')).toBe(lines.join('\n'));
  });

  it('cuts a single line longer than a section', () => {
    const sections = textsOf('y'.repeat(6500));
    expect(sections.map((text) => text.length)).toEqual([3000, 3000, 500]);
  });
});
