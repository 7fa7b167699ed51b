import { describe, expect, it } from 'vitest';
import { countPdfPages } from './create-slack-file-reader.js';

describe('countPdfPages', () => {
  it('counts page objects, not the page tree', () => {
    const pdf = Buffer.from('1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj 2 0 obj << /Type/Pages /Count 2 >> endobj 3 0 obj << /Type /Page >> endobj 4 0 obj <</Type/Page/Parent 2 0 R>> endobj', 'latin1');
    expect(countPdfPages(pdf)).toBe(2);
  });

  it('returns 0 when the pages are not visible (compressed object streams)', () => {
    expect(countPdfPages(Buffer.from('%PDF-1.7 stream x\u009c\u00ab endstream', 'latin1'))).toBe(0);
  });
});
