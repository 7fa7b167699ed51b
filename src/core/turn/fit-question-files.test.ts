import { describe, expect, it } from 'vitest';
import type { ContentBlock } from '../model/content-block.js';
import { calibrateTokenEstimator } from './estimate-tokens.js';
import { filesLeftOutOfHistory, fitQuestionFiles } from './fit-question-files.js';
import { estimatedPdfPages } from './history-content.js';

const file = (fileId: string, size: number): ContentBlock => ({ type: 'file', file: { fileId, name: `${fileId}.txt`, kind: 'text', mediaType: 'text/plain', url: 'https://files.slack.com/x', maxBytes: 512 * 1024, size } });

describe('fitQuestionFiles', () => {
  const estimator = calibrateTokenEstimator([]);

  it('keeps everything that fits', () => {
    const question = [file('F1', 400), { type: 'text' as const, text: 'why?' }];
    expect(fitQuestionFiles(question, 10_000, estimator)).toEqual({ question, leftOut: [] });
  });

  it('leaves out the largest files first until the question fits, and names them in the question', () => {
    const question = [file('F1', 400), file('F2', 200_000), file('F3', 90_000), { type: 'text' as const, text: 'why?' }];
    const fitted = fitQuestionFiles(question, 30_000, estimator);
    expect(fitted.leftOut.map((ref) => ref.fileId)).toEqual(['F2', 'F3']);
    expect(fitted.question.filter((block) => block.type === 'file')).toHaveLength(1);
    expect(fitted.question.at(-1)).toEqual({ type: 'text', text: 'why?\n\n[Shared with this question but left out, too large for the context window: F2.txt, F3.txt.]' });
  });

  it('finds the history files a built request no longer carries', () => {
    const history = [[file('F1', 10), { type: 'text' as const, text: 'a' }], [{ type: 'text' as const, text: 'b' }], [file('F2', 10)]];
    const messages = [{ role: 'user' as const, content: [file('F2', 10)] }];
    expect(filesLeftOutOfHistory(history, messages).map((ref) => ref.fileId)).toEqual(['F1']);
  });
});

describe('file weights before reading', () => {
  const estimator = calibrateTokenEstimator([]);
  const pdf = (size: number): ContentBlock => ({ type: 'file', file: { fileId: 'P', name: 'rfc.pdf', kind: 'pdf', mediaType: 'application/pdf', url: 'https://files.slack.com/x', maxBytes: 20 * 1024 * 1024, size } });

  it('weighs a PDF per page at 3,000 tokens (pages from its size, 1 to 100) and an image at 1,600', () => {
    expect(estimatedPdfPages(10)).toBe(1);
    expect(estimatedPdfPages(500 * 1024)).toBe(10);
    expect(estimatedPdfPages(50 * 1024 * 1024)).toBe(100);
    const onePage = estimator.estimateContent([pdf(10)]);
    const tenPages = estimator.estimateContent([pdf(500 * 1024)]);
    expect(tenPages - 4).toBeCloseTo((onePage - 4) * 10, -2);
    const image: ContentBlock = { type: 'file', file: { fileId: 'I', name: 'a.png', kind: 'image', mediaType: 'image/png', url: 'https://files.slack.com/x', maxBytes: 5 * 1024 * 1024, size: 4 * 1024 * 1024 } };
    expect(estimator.estimateContent([image])).toBeLessThan(onePage);
  });
});
