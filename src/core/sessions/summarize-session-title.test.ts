import { describe, expect, it } from 'vitest';
import { MAX_SESSION_TITLE_CHARS, summarizeSessionTitle } from './summarize-session-title.js';

describe('summarizeSessionTitle', () => {
  it('uses the first line with words, collapsed', () => {
    expect(summarizeSessionTitle('\n\n  How   should we shard\nthe orders table?')).toBe('How should we shard');
  });

  it('drops mentions and links, keeping a link label', () => {
    expect(summarizeSessionTitle('<@U123> review <https://wiki.example.com/x|our queue design> please')).toBe('review our queue design please');
    expect(summarizeSessionTitle('<@U123> https://evil.example/x?token=abc')).toBeUndefined();
  });

  it('never carries credentials into the title', () => {
    const title = summarizeSessionTitle('why does xoxb-1234-5678-abcdef fail with password=hunter2 and sk-ant-api03-AAAABBBBCCCC on AKIAABCDEFGHIJKLMNOP?');
    expect(title).toBeDefined();
    for (const secret of ['xoxb', 'hunter2', 'sk-ant', 'AKIA']) expect(title).not.toContain(secret);
    expect(title).toContain('why does');
  });

  it('drops long opaque strings and code', () => {
    const title = summarizeSessionTitle('is 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 a valid hash `let x = secret`');
    expect(title).toBe('is a valid hash');
  });

  it('shortens long questions at a word boundary with an ellipsis', () => {
    const title = summarizeSessionTitle('Compare event sourcing against a plain relational model for our billing ledger with audit needs') ?? '';
    expect(title.length).toBeLessThanOrEqual(MAX_SESSION_TITLE_CHARS);
    expect(title.endsWith('…')).toBe(true);
    expect(title.startsWith('Compare event sourcing against a plain relational')).toBe(true);
  });

  it('gives no title when nothing readable is left', () => {
    expect(summarizeSessionTitle('```\nSELECT 1;\n```')).toBeUndefined();
    expect(summarizeSessionTitle('   ')).toBeUndefined();
  });
});
