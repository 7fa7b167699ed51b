import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Agent } from './agent.js';
import type { AgentFileProblem, ParseAgentFileResult } from './parse-agent-file.js';
import { parseAgentFile } from './parse-agent-file.js';

const FILE = 'agents/test-agent.md';

function expectAgent(result: ParseAgentFileResult): Agent {
  if (!result.ok) throw new Error(`expected the file to load, got ${JSON.stringify(result.problems)}`);
  return result.agent;
}

function expectProblems(result: ParseAgentFileResult): AgentFileProblem[] {
  if (result.ok) throw new Error(`expected problems, got agent ${result.agent.name}`);
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(problem.file).toBe(FILE);
    expect(problem.reason).not.toBe('');
  }
  return result.problems;
}

function file(frontmatter: string, body = 'You are a helpful agent.'): string {
  return `---\n${frontmatter}\n---\n\n${body}\n`;
}

describe('parseAgentFile', () => {
  it('parses a complete file with crew keys', () => {
    const agent = expectAgent(
      parseAgentFile(
        file(
          [
            'name: Backend-Architect',
            'description: Designs backends.',
            'model: opus',
            'tools: Read, Write, Bash',
            'color: purple',
            'aliases: [architect, "@Arch2"]',
            'display_name: The Architect',
            'icon_emoji: ":building_construction:"',
            'suggested_prompts:',
            '  - Review my schema',
            '  - Plan a migration, step by step',
            'loading_messages:',
            '  - Sketching the boxes and arrows…',
            '  - Counting the round trips…',
          ].join('\n'),
          '# Role\n\nYou design backends.',
        ),
        FILE,
      ),
    );
    expect(agent).toEqual({
      name: 'backend-architect',
      description: 'Designs backends.',
      prompt: '# Role\n\nYou design backends.',
      model: 'opus',
      tools: ['Read', 'Write', 'Bash'],
      aliases: ['architect', 'arch2'],
      displayName: 'The Architect',
      iconEmoji: ':building_construction:',
      suggestedPrompts: ['Review my schema', 'Plan a migration, step by step'],
      loadingMessages: ['Sketching the boxes and arrows…', 'Counting the round trips…'],
      consults: [],
      sourceFile: FILE,
    });
  });

  it('reads whom an agent may consult: Claude Code’s Agent(a, b) stays one tool, and the crew key consults', () => {
    const agent = expectAgent(
      parseAgentFile(file('name: lead\ndescription: Leads.\ntools: Read, Agent(security-engineer, sre), WebSearch\nconsults: [Data-Engineer]'), FILE),
    );
    expect(agent.tools).toEqual(['Read', 'Agent(security-engineer, sre)', 'WebSearch']);
    expect(agent.consults).toEqual(['data-engineer']);
  });

  it('reads effort (low … max) and names the levels when it is not one', () => {
    expect(expectAgent(parseAgentFile(file('name: lead\ndescription: Leads.\neffort: High'), FILE)).effort).toBe('high');
    const bad = parseAgentFile(file('name: lead\ndescription: Leads.\neffort: turbo'), FILE);
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain("effort 'turbo' is not an effort level: use low, medium, high, xhigh, max");
  });

  it('fills defaults: model inherit, no tools or aliases, display name from the name, no emoji', () => {
    const agent = expectAgent(parseAgentFile(file('name: data-scientist\ndescription: Crunches numbers.'), FILE));
    expect(agent.model).toBe('inherit');
    expect(agent.tools).toEqual([]);
    expect(agent.aliases).toEqual([]);
    expect(agent.suggestedPrompts).toEqual([]);
    expect(agent.displayName).toBe('Data Scientist');
    expect(agent).not.toHaveProperty('iconEmoji');
  });

  it('accepts tools as a comma string and as a YAML list', () => {
    const fromString = expectAgent(parseAgentFile(file('name: a\ndescription: d\ntools: Read,Grep ,  Glob,'), FILE));
    expect(fromString.tools).toEqual(['Read', 'Grep', 'Glob']);
    const fromList = expectAgent(parseAgentFile(file('name: a\ndescription: d\ntools:\n  - Read\n  - Grep'), FILE));
    expect(fromList.tools).toEqual(['Read', 'Grep']);
    const fromFlow = expectAgent(parseAgentFile(file('name: a\ndescription: d\ntools: [Read, Grep]'), FILE));
    expect(fromFlow.tools).toEqual(['Read', 'Grep']);
  });

  it('accepts aliases as a comma string, lower-cases them and drops the agent name and repeats', () => {
    const agent = expectAgent(parseAgentFile(file('name: backend-architect\ndescription: d\naliases: Architect, arch, backend-architect, ARCH'), FILE));
    expect(agent.aliases).toEqual(['architect', 'arch']);
  });

  it('keeps model values as written: shorthands, inherit and full ids', () => {
    for (const model of ['sonnet', 'haiku', 'inherit', 'claude-opus-4-8', 'claude-sonnet-4-6-20260101']) {
      expect(expectAgent(parseAgentFile(file(`name: a\ndescription: d\nmodel: ${model}`), FILE)).model).toBe(model);
    }
  });

  it('tolerates unknown keys and an empty model', () => {
    const agent = expectAgent(
      parseAgentFile(file('name: a\ndescription: d\nmodel:\ncolor: red\npermissionMode: plan\nnested:\n  x: 1'), FILE),
    );
    expect(agent.name).toBe('a');
    expect(agent.model).toBe('inherit');
  });

  it('accepts names with dots, digits and underscores', () => {
    expect(expectAgent(parseAgentFile(file('name: powershell-5.1-expert\ndescription: d'), FILE)).name).toBe('powershell-5.1-expert');
    expect(expectAgent(parseAgentFile(file('name: "  qa_bot2 "\ndescription: d'), FILE)).name).toBe('qa_bot2');
  });

  it('adds colons to an icon_emoji given without them', () => {
    expect(expectAgent(parseAgentFile(file('name: a\ndescription: d\nicon_emoji: tada'), FILE)).iconEmoji).toBe(':tada:');
  });

  it('handles a BOM, CRLF line ends and non-ASCII text', () => {
    const text = '\uFEFF---\r\nname: café-bot\r\n---\r\n';
    const problems = expectProblems(parseAgentFile(text, FILE));
    expect(problems.some((p) => p.field === 'name' && p.line === 2 && p.reason.includes("'café-bot' has invalid characters"))).toBe(true);

    const agent = expectAgent(
      parseAgentFile('\uFEFF---\r\nname: cafe-bot\r\ndescription: Répond en français — vite 🚀\r\n---\r\n\r\nTu es un barista.\r\nLigne 2.\r\n', FILE),
    );
    expect(agent.name).toBe('cafe-bot');
    expect(agent.description).toBe('Répond en français — vite 🚀');
    expect(agent.prompt).toBe('Tu es un barista.\nLigne 2.');
  });

  it('reports a missing name with its reason', () => {
    const problems = expectProblems(parseAgentFile(file('description: d'), FILE));
    expect(problems).toContainEqual({ file: FILE, field: 'name', reason: 'name is required' });
  });

  it('reports a missing description', () => {
    const problems = expectProblems(parseAgentFile(file('name: a'), FILE));
    expect(problems).toContainEqual({ file: FILE, field: 'description', reason: 'description is required' });
  });

  it('reports an empty description with its line', () => {
    const problems = expectProblems(parseAgentFile(file('name: a\ndescription: "  "'), FILE));
    expect(problems).toContainEqual({ file: FILE, line: 3, field: 'description', reason: 'description is empty' });
  });

  it('reports an invalid name with its line and the allowed characters', () => {
    const problems = expectProblems(parseAgentFile(file('description: d\nname: Foo Bar'), FILE));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3, field: 'name' });
    expect(problems[0]?.reason).toMatch(/^name 'Foo Bar' has invalid characters: use lower-case letters, digits, '\.', '_' or '-'/);
  });

  it('reports names that are too long, start with a symbol or are not text', () => {
    expect(expectProblems(parseAgentFile(file(`name: ${'a'.repeat(65)}\ndescription: d`), FILE))[0]?.reason).toContain('limit is 64');
    expect(expectProblems(parseAgentFile(file('name: -dash\ndescription: d'), FILE))[0]?.reason).toContain('invalid characters');
    expect(expectProblems(parseAgentFile(file('name: [a, b]\ndescription: d'), FILE))[0]?.reason).toBe('name must be text, not a list');
    expect(expectProblems(parseAgentFile(file('name: 2024-01-01\ndescription: d'), FILE))[0]?.reason).toBe('name must be text, not a date');
  });

  it('reports bad optional fields', () => {
    const problems = expectProblems(
      parseAgentFile(
        file('name: a\ndescription: d\nmodel: Sonnet 4.6\ntools: {read: true}\naliases: [ok, "not ok"]\nicon_emoji: 🏗️\nsuggested_prompts: [1]'),
        FILE,
      ),
    );
    const byField = Object.fromEntries(problems.map((p) => [p.field, p]));
    expect(byField.model?.reason).toContain("model 'Sonnet 4.6' is not a model name");
    expect(byField.tools?.reason).toBe('tools must be a list or a comma-separated text, not a group of fields');
    expect(byField.aliases?.reason).toContain("alias 'not ok' has invalid characters");
    expect(byField.icon_emoji?.reason).toContain("must be a Slack emoji code such as ':building_construction:'");
    expect(byField.suggested_prompts?.reason).toBe('suggested_prompts item 1 must be text, not a number');
    expect(byField.model?.line).toBe(4);
  });

  it('reports an empty body', () => {
    const problems = expectProblems(parseAgentFile('---\nname: a\ndescription: d\n---\n\n   \n', FILE));
    expect(problems).toEqual([{ file: FILE, line: 5, reason: 'role prompt (body) is empty: write the instructions below the frontmatter' }]);
  });

  it('reports every problem of a file at once', () => {
    const problems = expectProblems(parseAgentFile('---\nname: Foo Bar\n---\n', FILE));
    expect(problems.map((p) => p.field ?? 'body')).toEqual(['name', 'description', 'body']);
  });

  it('reports an unterminated frontmatter block with its opening line', () => {
    const problems = expectProblems(parseAgentFile('\n---\nname: a\ndescription: d\n\nYou are an agent.\n', FILE));
    expect(problems).toEqual([
      {
        file: FILE,
        line: 2,
        reason: "frontmatter opened on line 2 is never closed: add a line containing only '---' after the last field",
      },
    ]);
  });

  it('reports broken YAML that is not obviously frontmatter, with the YAML error line', () => {
    const problems = expectProblems(parseAgentFile('---\n- name: a\n- description: [b\n---\nbody\n', FILE));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toEqual({
      file: FILE,
      line: 3,
      reason: 'frontmatter is not valid YAML: unexpected end of the stream within a flow collection',
    });
    const badIndent = expectProblems(parseAgentFile('---\n  name: a\n description: b\n---\nbody\n', FILE));
    expect(badIndent[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/^frontmatter is not valid YAML: /) });
  });

  it('reports frontmatter that is plain text or a list', () => {
    expect(expectProblems(parseAgentFile('---\njust some words\n---\nbody\n', FILE))[0]?.reason).toBe(
      "frontmatter is not valid YAML: it reads as plain text, not as 'key: value' fields",
    );
    expect(expectProblems(parseAgentFile('---\n- a\n- b\n---\nbody\n', FILE))[0]?.reason).toContain('it reads as a list');
  });

  it('refuses a non-YAML opening such as ---js and never evaluates it', () => {
    const problems = expectProblems(parseAgentFile('---js\n{ name: (globalThis.hacked = "yes") }\n---\nbody\n', FILE));
    expect(problems[0]).toMatchObject({ line: 1 });
    expect(problems[0]?.reason).toContain("found '---js'");
    expect((globalThis as { hacked?: string }).hacked).toBeUndefined();
  });

  it('reads obviously-meant frontmatter leniently when strict YAML fails, and warns', () => {
    const text = [
      '---',
      'name: helper',
      "description: Use when stuck. Triggers on: 'help', 'stuck'. Examples:\\n\\n<example>\\nContext: blocked",
      'user: "I am stuck on this bug"',
      'assistant: "Let me use the helper agent."',
      '</example>',
      'tools: Read, Grep',
      'model: haiku',
      '---',
      '',
      'You help people get unstuck.',
    ].join('\n');
    const result = parseAgentFile(text, FILE);
    const agent = expectAgent(result);
    expect(agent.description).toBe(
      "Use when stuck. Triggers on: 'help', 'stuck'. Examples:\n\n<example>\nContext: blocked\nuser: \"I am stuck on this bug\"\nassistant: \"Let me use the helper agent.\"\n</example>",
    );
    expect(agent.tools).toEqual(['Read', 'Grep']);
    expect(agent.model).toBe('haiku');
    expect(agent.prompt).toBe('You help people get unstuck.');
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({ file: FILE, line: 3, reason: expect.stringMatching(/^frontmatter is not strict YAML/) }),
    ]);
  });

  it('in lenient mode strips outer quotes and reports repeated keys and broken non-text fields', () => {
    const quoted = expectAgent(parseAgentFile(file('name: q\ndescription: "Use when: "stuck" or lost"\ntools: [Read, Grep]'), FILE));
    expect(quoted.description).toBe('Use when: "stuck" or lost');
    expect(quoted.tools).toEqual(['Read', 'Grep']);
    const single = expectAgent(parseAgentFile(file("name: q\ndescription: 'It''s: fine'\ndisplay_name: Ops: Bot"), FILE));
    expect(single.description).toBe("It's: fine");
    expect(single.displayName).toBe('Ops: Bot');
    const unbalanced = expectAgent(parseAgentFile(file('name: q\ndescription: "Say: hi'), FILE));
    expect(unbalanced.description).toBe('"Say: hi');
    const repeated = expectProblems(parseAgentFile(file('name: a\ndescription: x: y\nname: b'), FILE));
    expect(repeated).toEqual([{ file: FILE, line: 4, field: 'name', reason: 'name appears twice (lines 1 and 3 of the frontmatter block)' }]);
    const brokenTools = expectProblems(parseAgentFile(file('name: a\ndescription: x: y\ntools: [Read, Grep'), FILE));
    expect(brokenTools[0]).toMatchObject({ field: 'tools', line: 4 });
    expect(brokenTools[0]?.reason).toMatch(/^tools is not valid YAML/);
  });

  it('loads a file without frontmatter that reads like a role prompt: name from the file name, description from the first paragraph', () => {
    const text = '# Growth Hacker\n\n## Description\n\nThe Growth Hacker runs\ngrowth experiments.\n\nThis agent designs viral loops.\n\n### Tasks\n\n- Loops\n';
    const result = parseAgentFile(text, 'agents/marketing/growth-hacker.md');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.agent).toMatchObject({
      name: 'growth-hacker',
      description: 'The Growth Hacker runs growth experiments.',
      displayName: 'Growth Hacker',
      prompt: text.trim(),
      model: 'inherit',
    });
    expect(result.withoutFrontmatter).toBe(true);
    expect(result.frontmatterKeys).toEqual([]);
    expect(result.warnings[0]?.reason).toMatch(/^no frontmatter/);
    expect(expectAgent(parseAgentFile('You are a terse reviewer.\n', 'agents/reviewer.md')).description).toBe('You are a terse reviewer.');
  });

  it('says a file without frontmatter is not an agent when it does not read like a role prompt, with why', () => {
    const reasonOf = (text: string, name: string): string => {
      const result = parseAgentFile(text, name);
      if (result.ok || result.notAnAgent !== true) throw new Error(`expected not an agent: ${JSON.stringify(result)}`);
      expect(result.problems).toHaveLength(1);
      return result.problems[0]?.reason ?? '';
    };
    expect(reasonOf('# Notes\n\nYou are reading notes.\n', 'agents/README.md')).toBe(
      "not an agent: no frontmatter, and its file name 'README' is not an agent name; to make it one, start it with a '---' block holding name and description",
    );
    expect(reasonOf('# Notes\n\nYou are reading notes.\n', 'agents/notes.md')).toContain("'notes' is a documentation file name");
    expect(reasonOf('## 1.2.0\n\nYou are now able to use aliases.\n', 'agents/changelog.md')).toContain("'changelog' is a documentation file name");
    expect(reasonOf('# Only A Title\n\n* * *\n\n## Second\n', FILE)).toContain('no paragraph of prose');
    expect(reasonOf('# Ideas\n\nWe could add caching.\n', 'agents/ideas.md')).toContain('does not read like a role prompt');
    expect(reasonOf('', FILE)).toContain('no paragraph of prose');
  });

  it('says a file whose frontmatter holds neither name nor description is not an agent (a docs page)', () => {
    const result = parseAgentFile('---\ntitle: Getting started\nlayout: page\n---\nWelcome.\n', 'agents/docs/start.md');
    expect(result).toEqual({
      ok: false,
      notAnAgent: true,
      problems: [
        { file: 'agents/docs/start.md', reason: 'not an agent: the frontmatter has neither name nor description (it holds only title, layout)' },
      ],
    });
  });

  it('returns the frontmatter keys as written, and accepts a Claude Code [1m] model suffix', () => {
    const result = parseAgentFile(file('name: a\ndescription: d\nmodel: sonnet[1m]\ncolor: red\npermissionMode: plan'), FILE);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.frontmatterKeys).toEqual(['name', 'description', 'model', 'color', 'permissionMode']);
    expect(result.withoutFrontmatter).toBe(false);
    expect(result.agent.model).toBe('sonnet[1m]');
    expect(expectAgent(parseAgentFile(file('name: a\ndescription: d\nmodel: claude-opus-4-8[1m]'), FILE)).model).toBe('claude-opus-4-8[1m]');
    expect(expectProblems(parseAgentFile(file('name: a\ndescription: d\nmodel: sonnet[1m'), FILE))[0]?.field).toBe('model');
  });

  it('rejects fields written without the opening --- line', () => {
    const problems = expectProblems(parseAgentFile('name: a\ndescription: d\n---\nbody\n', FILE));
    expect(problems[0]).toMatchObject({ line: 1 });
    expect(problems[0]?.reason).toContain("without its opening '---' line");
  });

  it('rejects a non-string content', () => {
    expect(expectProblems(parseAgentFile(42 as unknown as string, FILE))).toEqual([{ file: FILE, reason: 'file content is not text' }]);
  });

  it('gives the same result for the same text twice (no shared cached objects)', () => {
    const text = file('name: a\ndescription: d\ntools: [Read]');
    const first = expectAgent(parseAgentFile(text, FILE));
    first.tools.push('Mutated');
    expect(expectAgent(parseAgentFile(text, FILE)).tools).toEqual(['Read']);
  });

  it('loads the seed agent definition unmodified', () => {
    const seedUrl = new URL('../../../test/fixtures/seeds/000_64dcb205308fd7ea.txt', import.meta.url);
    const agent = expectAgent(parseAgentFile(readFileSync(seedUrl, 'utf8'), seedUrl.pathname));
    expect(agent.name).toBe('backend-architect');
    expect(agent.description).toMatch(/^Backend systems architect in the Engineering Crew/);
    expect(agent.displayName).toBe('Backend Architect');
    expect(agent.model).toBe('inherit');
    expect(agent.prompt).toMatch(/^You are the \*\*Backend Systems Architect\*\*/);
    expect(agent.prompt).toContain('## Output Expectations');
  });
});
