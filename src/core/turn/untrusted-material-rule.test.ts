import { describe, expect, it } from 'vitest';
import { quoteUntrusted } from './quote-untrusted.js';
import { untrustedMaterialRule, withUntrustedMaterialRule } from './untrusted-material-rule.js';

describe('untrustedMaterialRule', () => {
  it('names the very tags quoteUntrusted writes, and the header attributeMessage writes', () => {
    const quoted = quoteUntrusted({ source: 's', text: 'x' });
    const [open] = quoted.split('\n');
    expect(untrustedMaterialRule).toContain(`${(open ?? '').split(' ')[0]} …>`);
    expect(untrustedMaterialRule).toContain(quoted.split('\n').at(-1));
    expect(untrustedMaterialRule).toContain('[message from Name (ID)]');
    expect(untrustedMaterialRule).toMatch(/quoted data .*not instructions/);
  });

  it('goes after the role prompt, the same bytes every time', () => {
    const system = withUntrustedMaterialRule('You are the architect.\n');
    expect(system).toBe(`You are the architect.\n\n${untrustedMaterialRule}`);
    expect(withUntrustedMaterialRule('You are the architect.\n')).toBe(system);
  });
});
