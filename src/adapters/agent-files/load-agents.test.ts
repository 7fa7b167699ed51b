import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../core/errors.js';
import type { Agent } from '../../core/agents/agent.js';
import { AgentsDirError, formatAgentFileProblem } from '../../core/agents/agent-file-error.js';
import { loadAgents } from './load-agents.js';
import { parseAgentFile } from '../../core/agents/parse-agent-file.js';

const CORPUS_DIR = fileURLToPath(new URL('../../../test/fixtures/agent-corpus', import.meta.url));
const REPO_AGENTS_DIR = fileURLToPath(new URL('../../../agents', import.meta.url));

function agentText(name: string, extra = ''): string {
  return `---\nname: ${name}\ndescription: The ${name} agent.\n${extra}---\n\nYou are ${name}.\n`;
}

describe('loadAgents', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'crew-agents-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function put(relativePath: string, content: string | Buffer): Promise<string> {
    const file = path.join(dir, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  }

  it('loads every *.md file, recursively and in sorted order, and ignores other files', async () => {
    await put('zeta.md', agentText('zeta'));
    await put('alpha.md', agentText('alpha'));
    await put('team/beta.md', agentText('beta'));
    await put('notes.txt', agentText('not-loaded'));
    await put('.hidden/secret.md', agentText('hidden'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.name)).toEqual(['alpha', 'beta', 'zeta']);
    expect(result.agents.map((agent) => agent.sourceFile)).toEqual([
      path.join(dir, 'alpha.md'),
      path.join(dir, 'team/beta.md'),
      path.join(dir, 'zeta.md'),
    ]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('accepts a file URL', async () => {
    await put('alpha.md', agentText('alpha'));
    const result = await loadAgents(new URL(`file://${dir}/`));
    expect(result.agents.map((agent) => agent.name)).toEqual(['alpha']);
  });

  it('reports bad files without throwing and still loads the good ones', async () => {
    await put('good.md', agentText('good'));
    const noName = await put('no-name.md', '---\ndescription: d\n---\nbody\n');
    const binary = await put('binary.md', Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x00]));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.name)).toEqual(['good']);
    expect(result.problems).toEqual([
      { file: binary, reason: 'the file is not valid UTF-8 text: save it as UTF-8' },
      { file: noName, field: 'name', reason: 'name is required' },
    ]);
  });

  it('keeps the first of two agents with the same name and names both files', async () => {
    const first = await put('a/writer.md', agentText('writer'));
    const second = await put('b/writer-copy.md', agentText('Writer'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.sourceFile)).toEqual([first]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: second, field: 'name' });
    expect(result.problems[0]?.reason).toContain(first);
    expect(result.problems[0]?.reason).toContain("agent name 'writer' is already used by");
  });

  it('drops an agent whose alias is another agent name, even when the alias owner sorts first', async () => {
    const aliasOwner = await put('a-first.md', agentText('first', 'aliases: [second, f]\n'));
    const named = await put('b-second.md', agentText('second'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.name)).toEqual(['second']);
    expect(result.problems).toEqual([
      {
        file: aliasOwner,
        field: 'aliases',
        reason: `alias 'second' is the name of the agent in ${named}; this file was not loaded`,
      },
    ]);
  });

  it('keeps the first of two agents claiming the same alias and names both files', async () => {
    const first = await put('one.md', agentText('one', 'aliases: helper\n'));
    const second = await put('two.md', agentText('two', 'aliases: [Helper, t]\n'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent: Agent) => agent.name)).toEqual(['one']);
    expect(result.problems).toEqual([
      {
        file: second,
        field: 'aliases',
        reason: `alias 'helper' is already an alias of 'one' in ${first}; this file was not loaded`,
      },
    ]);
  });

  it('throws AgentsDirError when the folder cannot be read', async () => {
    const missing = path.join(dir, 'missing');
    await expect(loadAgents(missing)).rejects.toBeInstanceOf(AgentsDirError);
    await expect(loadAgents(missing)).rejects.toMatchObject({ code: 'agents_dir_unreadable', dir: missing });
    const notADir = await put('file.md', agentText('x'));
    const error: unknown = await loadAgents(notADir).catch((caught: unknown) => caught);
    expect(hasErrorCode(error, 'agents_dir_unreadable')).toBe(true);
  });

  it('returns nothing for an empty folder', async () => {
    expect(await loadAgents(dir)).toEqual({ agents: [], problems: [], warnings: [] });
  });
});

describe('loadAgents on the public corpus (test/fixtures/agent-corpus)', () => {
  it('loads or rejects every file with a reason, and loads every agent file', async () => {
    const result = await loadAgents(CORPUS_DIR);
    const rel = (file: string): string => path.relative(CORPUS_DIR, file);
    const rejected = [...new Set(result.problems.map((problem) => rel(problem.file)))];
    const lenient = result.warnings.filter((w) => w.reason.startsWith('frontmatter is not strict YAML')).map((w) => rel(w.file));
    const noFrontmatter = result.warnings.filter((w) => w.reason.startsWith('no frontmatter')).map((w) => rel(w.file));

    console.log(
      [
        `agent corpus: ${result.agents.length + rejected.length} .md files, ${result.agents.length} loaded, ${rejected.length} rejected`,
        `  read leniently: ${lenient.length} (contains-studio ${lenient.filter((f) => f.startsWith('contains-studio')).length}, VoltAgent ${lenient.filter((f) => f.startsWith('voltagent')).length}); without frontmatter: ${noFrontmatter.length}`,
        ...result.problems.map((problem) => `  rejected ${formatAgentFileProblem({ ...problem, file: rel(problem.file) })}`),
      ].join('\n'),
    );

    // 196 .md files: 195 agent files + SOURCE.md.
    expect(result.agents.length + rejected.length).toBe(196);
    expect(result.agents).toHaveLength(191);
    for (const problem of result.problems) {
      expect(problem.file).not.toBe('');
      expect(problem.reason).not.toBe('');
    }
    // SOURCE.md is documentation; the 4 others are names defined in both collections.
    expect(rejected.sort()).toEqual([
      'SOURCE.md',
      'voltagent-awesome-claude-code-subagents/categories/01-core-development/frontend-developer.md',
      'voltagent-awesome-claude-code-subagents/categories/01-core-development/ui-designer.md',
      'voltagent-awesome-claude-code-subagents/categories/05-data-ai/ai-engineer.md',
      'voltagent-awesome-claude-code-subagents/categories/08-business-product/ux-researcher.md',
    ]);
    expect(result.problems.find((p) => rel(p.file) === 'SOURCE.md')?.reason).toContain("file name 'SOURCE' is not a valid agent name");
    for (const problem of result.problems.filter((p) => rel(p.file) !== 'SOURCE.md')) {
      expect(problem.field).toBe('name');
      expect(problem.reason).toContain(`${CORPUS_DIR}${path.sep}contains-studio-agents${path.sep}`);
    }
    expect(lenient.filter((f) => f.startsWith('contains-studio'))).toHaveLength(32);
    expect(lenient.filter((f) => f.startsWith('voltagent'))).toHaveLength(8);
    expect(noFrontmatter.sort()).toEqual(
      ['content-creator', 'growth-hacker', 'instagram-curator', 'reddit-community-builder', 'twitter-engager'].map(
        (name) => `contains-studio-agents/marketing/${name}.md`,
      ),
    );

    for (const agent of result.agents) {
      expect(agent.name).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
      expect(agent.description).not.toBe('');
      expect(agent.prompt).not.toBe('');
      expect(agent.prompt.startsWith('---')).toBe(false);
      expect(['sonnet', 'opus', 'haiku', 'inherit']).toContain(agent.model);
      // The file name is the agent name throughout this corpus: nothing was loaded under a wrong name.
      expect(path.basename(agent.sourceFile, '.md')).toBe(agent.name);
    }

    const byName = new Map(result.agents.map((agent) => [agent.name, agent]));
    const get = (name: string): Agent => {
      const agent = byName.get(name);
      if (agent === undefined) throw new Error(`agent ${name} not loaded`);
      return agent;
    };

    // contains-studio: wrapped `user: "…"` lines and <example> blocks stay in the description.
    const brandGuardian = get('brand-guardian');
    expect(brandGuardian.description).toMatch(/^Use this agent when establishing brand guidelines/);
    expect(brandGuardian.description).toContain('<example>\nContext: Creating brand guidelines for a new app\nuser: "We need to establish a visual identity for our meditation app"');
    expect(brandGuardian.description).toContain('user: "Our app looks different on iOS, Android, and web"');
    expect(brandGuardian.description.trimEnd().endsWith('</example>')).toBe(true);
    expect(brandGuardian.description).not.toContain('\\n');
    expect(brandGuardian.prompt).toMatch(/^You are a strategic brand guardian/);
    expect(brandGuardian.tools).toEqual(['Write', 'Read', 'MultiEdit', 'WebSearch', 'WebFetch']);
    expect(get('backend-architect').description).toContain('user: "We need an API for our social sharing feature"');
    expect(get('backend-architect').prompt).toMatch(/^You are a master backend architect/);

    // VoltAgent: an unquoted `Triggers on: 'x', …` in the description.
    const growthLoops = get('growth-loops');
    expect(growthLoops.description).toBe(
      "Use when the user wants to design a growth loop, understand PLG mechanics, or build sustainable acquisition. Triggers on: 'growth loop', 'flywheel', 'viral loop', 'PLG growth', 'product-led growth', 'growth mechanics', 'how do we grow', 'word of mouth'.",
    );
    expect(growthLoops.tools).toEqual(['Read', 'Write', 'Edit', 'Glob', 'Grep', 'WebFetch', 'WebSearch']);
    expect(growthLoops.prompt).toMatch(/^You are an expert product growth strategist/);

    // Dotted names.
    expect(get('powershell-5.1-expert').displayName).toBe('Powershell 5.1 Expert');
    expect(get('dotnet-framework-4.8-expert').name).toBe('dotnet-framework-4.8-expert');

    // No frontmatter: name from the file name, description from the first paragraph.
    const growthHacker = get('growth-hacker');
    expect(growthHacker.description).toMatch(/^The Growth Hacker specializes in rapid user acquisition/);
    expect(growthHacker.prompt).toMatch(/^# Growth Hacker/);

    // Of duplicated names, the contains-studio file (sorted first) is kept.
    expect(get('ui-designer').sourceFile).toContain(`contains-studio-agents${path.sep}design`);
  });
});

describe('parseAgentFile on each corpus file', () => {
  it('parses every agent file of the corpus on its own (only SOURCE.md is refused)', async () => {
    const files = (await readdir(CORPUS_DIR, { recursive: true })).filter((file) => file.endsWith('.md')).sort();
    expect(files).toHaveLength(196);
    const refused: string[] = [];
    for (const file of files) {
      const result = parseAgentFile(await readFile(path.join(CORPUS_DIR, file), 'utf8'), file);
      if (!result.ok) refused.push(file);
    }
    expect(refused).toEqual(['SOURCE.md']);
  });
});

describe("the repo's agents folder", () => {
  it('loads backend-architect with its crew keys and a faithful role prompt', async () => {
    const result = await loadAgents(REPO_AGENTS_DIR);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    const agent = result.agents.find((candidate) => candidate.name === 'backend-architect');
    if (agent === undefined) throw new Error('backend-architect not loaded');
    expect(agent.aliases).toEqual(['architect']);
    expect(agent.displayName).toBe('Backend Architect');
    expect(agent.iconEmoji).toBe(':building_construction:');
    // Like the seed, the file names no model: it inherits the crew's default.
    expect(agent.model).toBe('inherit');
    expect(agent.suggestedPrompts.length).toBeGreaterThanOrEqual(3);
    expect(agent.suggestedPrompts.length).toBeLessThanOrEqual(4);
    expect(agent.description).toBe(
      'Backend systems architect in the Engineering Crew; use proactively for API design, data modeling, and scalable, reliable backend architecture.',
    );

    const prompt = agent.prompt;
    const phrases = [
      // background
      '6 years',
      'Uber',
      'millions of requests per second',
      'Go and Python',
      'PostgreSQL, Redis and message queues',
      '60%',
      '80%',
      // the five principles
      'Architecture comes before code',
      'Invariants are enforced at the boundary',
      'Simple, boring foundations',
      'Failure is made explicit',
      'Observability is designed in',
      // the five workflow steps
      'Clarify requirements and constraints',
      'Propose an architecture',
      'Design data models and APIs',
      'Implement incrementally',
      'Validate and harden',
      '12–24 month',
      // output expectations
      'architecture sketch',
      'tradeoffs explicit',
      'Go or Python',
      'runbooks',
      // crew-specific Slack section
      'Answering in Slack (crew-specific)',
      'clarifying question',
    ];
    for (const phrase of phrases) expect(prompt, phrase).toContain(phrase);
    expect(prompt).not.toContain('â€');
    // All six "when to use" triggers.
    const triggers = prompt.split('## When to Use This Agent')[1]?.split('##')[0] ?? '';
    expect(triggers.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(6);
  });
});
