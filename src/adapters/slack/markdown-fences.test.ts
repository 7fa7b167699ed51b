import { describe, expect, it } from 'vitest';
import { fenceMarker, findOpenFence } from './markdown-fences.js';

describe('findOpenFence', () => {
  it('returns undefined for text without fences or with closed ones', () => {
    expect(findOpenFence('plain text\nwith `inline` code')).toBeUndefined();
    expect(findOpenFence('```ts\nconst a = 1;\n```\nafter')).toBeUndefined();
    expect(findOpenFence('~~~\nx\n~~~')).toBeUndefined();
  });

  it('returns the opening fence with its language when a block is left open', () => {
    expect(findOpenFence('intro\n```ts\nconst a = 1;')).toBe('```ts');
    expect(findOpenFence('```\nx')).toBe('```');
    expect(findOpenFence('``` python \nx')).toBe('```python');
    expect(findOpenFence('~~~sh\nls')).toBe('~~~sh');
    expect(findOpenFence('```a\n```\n```b\nopen')).toBe('```b');
  });

  it('accepts up to three spaces of indentation on a fence line', () => {
    expect(findOpenFence('   ```js\nx')).toBe('```js');
    expect(findOpenFence('    ```js\nx')).toBeUndefined();
  });

  it('does not close a block on a fence line that carries a language', () => {
    expect(findOpenFence('```md\n```js\nx')).toBe('```md');
  });

  it('only closes a block with the same character, at least as long', () => {
    expect(findOpenFence('```\nx\n~~~')).toBe('```');
    expect(findOpenFence('~~~\nx\n```')).toBe('~~~');
    // A four-backtick block quoting a three-backtick one stays open after the inner block.
    expect(findOpenFence('````md\n```js\nx\n```\nmore')).toBe('````md');
    expect(findOpenFence('````md\n```js\nx\n```\n````')).toBeUndefined();
    expect(findOpenFence('```\nx\n`````')).toBeUndefined();
  });

  it('ignores fences that do not start a line', () => {
    expect(findOpenFence('use ```ts to start a block')).toBeUndefined();
  });
});

describe('fenceMarker', () => {
  it('returns the fence characters of an opening fence', () => {
    expect(fenceMarker('```ts')).toBe('```');
    expect(fenceMarker('````md')).toBe('````');
    expect(fenceMarker('~~~sh')).toBe('~~~');
  });
});
