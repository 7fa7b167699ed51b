import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasErrorCode } from '../../core/errors.js';
import type { Agent } from '../../core/agents/agent.js';
import { AgentsDirError, formatAgentFileProblem } from '../../core/agents/agent-file-error.js';
import { loadAgents } from './load-agents.js';
import { createAgentRegistry } from '../../core/agents/agent-registry.js';
import { consultTargetsOf } from '../../core/agents/consult-targets.js';
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

  it('loads every *.md file recursively, shallow before deep, and notes every entry it skips', async () => {
    await put('zeta.md', agentText('zeta'));
    await put('alpha.md', agentText('alpha'));
    await put('team/beta.md', agentText('beta'));
    const notes = await put('notes.txt', agentText('not-loaded'));
    await put('.hidden/secret.md', agentText('hidden'));
    await put('node_modules/pkg/readme.md', agentText('dependency'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.name)).toEqual(['alpha', 'zeta', 'beta']);
    expect(result.agents.map((agent) => agent.sourceFile)).toEqual([
      path.join(dir, 'alpha.md'),
      path.join(dir, 'zeta.md'),
      path.join(dir, 'team/beta.md'),
    ]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.notes).toEqual([
      { file: path.join(dir, '.hidden'), reason: 'skipped: a hidden entry is never read' },
      { file: path.join(dir, 'node_modules'), reason: 'skipped: node_modules is never read' },
      { file: notes, reason: 'skipped: not a Markdown (.md) file' },
    ]);
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

  it('keeps the first of two agents with the same name and warns, naming both files', async () => {
    const first = await put('a/writer.md', agentText('writer'));
    const second = await put('b/writer-copy.md', agentText('Writer'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.sourceFile)).toEqual([first]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatchObject({ file: second, field: 'name' });
    expect(result.warnings[0]?.reason).toContain(first);
    expect(result.warnings[0]?.reason).toContain("agent name 'writer' is already used by");
  });

  it('lets a file at the top of the folder win a name over a pack in a subfolder, whatever the names sort as', async () => {
    const mine = await put('writer.md', agentText('writer'));
    await put('aaa-pack/writer.md', agentText('writer', 'model: haiku\n'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.sourceFile)).toEqual([mine]);
    expect(result.warnings).toHaveLength(1);
  });

  it('loads byte-identical copies once, with a note and no error or warning', async () => {
    const text = agentText('reviewer', 'tools: Read\n');
    const first = await put('pack-a/reviewer.md', text);
    const copy = await put('pack-b/reviewer.md', text);
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.sourceFile)).toEqual([first]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.notes).toEqual([
      { file: copy, reason: `identical copy of ${first}: agent 'reviewer' is loaded once, from that file` },
    ]);
  });

  it('drops an alias that is another agent name from the agent that carries it, and keeps the agent', async () => {
    const aliasOwner = await put('a-first.md', agentText('first', 'aliases: [second, f]\n'));
    const named = await put('b-second.md', agentText('second'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => [agent.name, agent.aliases])).toEqual([
      ['first', ['f']],
      ['second', []],
    ]);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      {
        file: aliasOwner,
        field: 'aliases',
        reason: `alias 'second' dropped from 'first': it is the name of the agent in ${named} (names win over aliases); the agent still loads under its name`,
      },
    ]);
  });

  it('drops an alias a later agent claims again, keeping both agents and the first claim', async () => {
    const first = await put('one.md', agentText('one', 'aliases: helper\n'));
    const second = await put('two.md', agentText('two', 'aliases: [Helper, t]\n'));
    const result = await loadAgents(dir);
    expect(result.agents.map((agent: Agent) => [agent.name, agent.aliases])).toEqual([
      ['one', ['helper']],
      ['two', ['t']],
    ]);
    expect(result.warnings).toEqual([
      {
        file: second,
        field: 'aliases',
        reason: `alias 'helper' dropped from 'two': it is already an alias of 'one' in ${first} (the first file keeps it); the agent still loads under its name`,
      },
    ]);
  });

  it('takes a file without frontmatter as an agent only in a folder with no agent files, and notes the others', async () => {
    await put('crew/architect.md', agentText('architect'));
    const notes = await put('crew/notes.md', '# Notes\n\nYou are reminded to rotate keys.\n');
    const changelog = await put('crew/changelog.md', '## 1.0\n\nFirst release.\n');
    const beside = await put('crew/reviewer.md', '# Reviewer\n\nYou are a careful code reviewer.\n');
    const alone = await put('plain/tester.md', '# Tester\n\nYou are a tester who writes property tests.\n');
    const result = await loadAgents(dir);
    expect(result.agents.map((agent) => agent.name)).toEqual(['architect', 'tester']);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    const reasons = new Map(result.notes.map((note) => [note.file, note.reason]));
    expect(reasons.get(notes)).toContain("'notes' is a documentation file name");
    expect(reasons.get(changelog)).toContain("'changelog' is a documentation file name");
    expect(reasons.get(beside)).toMatch(/^not an agent: no frontmatter, and other files in its folder are agent files/);
    expect(reasons.get(alone)).toMatch(/^no frontmatter: name taken from the file name/);
    expect(result.notes).toHaveLength(4);
  });

  it('follows a symlinked folder and a symlinked file once, refuses a loop and reports a broken link', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'crew-pack-'));
    try {
      await writeFile(path.join(outside, 'linked.md'), agentText('linked'));
      await symlink(outside, path.join(dir, 'pack'));
      await put('real/own.md', agentText('own'));
      await symlink(path.join(dir, 'real'), path.join(dir, 'real-again'));
      await symlink(path.join(dir, 'real/own.md'), path.join(dir, 'own-link.md'));
      await symlink(dir, path.join(dir, 'real/loop'));
      await symlink(path.join(dir, 'missing.md'), path.join(dir, 'broken.md'));
      const result = await loadAgents(dir);
      expect(result.agents.map((agent) => agent.sourceFile)).toEqual([path.join(dir, 'own-link.md'), path.join(dir, 'pack/linked.md')]);
      expect(result.problems).toEqual([]);
      expect(result.warnings).toEqual([
        { file: path.join(dir, 'broken.md'), reason: 'skipped: broken symlink (ENOENT)' },
        { file: path.join(dir, 'real/loop'), reason: `skipped: symlink loop (it leads back to ${dir}, which contains it)` },
      ]);
      expect(result.notes).toEqual([
        { file: path.join(dir, 'real-again'), reason: `skipped: the same folder as ${path.join(dir, 'real')}, which is read once` },
        { file: path.join(dir, 'real/own.md'), reason: `skipped: the same file as ${path.join(dir, 'own-link.md')} (through a symlink), which is read once` },
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
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
    expect(await loadAgents(dir)).toEqual({ agents: [], problems: [], warnings: [], notes: [], frontmatterKeys: new Map() });
  });
});

describe('loadAgents on the public corpus (test/fixtures/agent-corpus)', () => {
  it('takes or reports every file with a reason: 186 agents, 0 errors, 4 warnings (shadowed names)', async () => {
    const result = await loadAgents(CORPUS_DIR);
    const rel = (file: string): string => path.relative(CORPUS_DIR, file);
    const notTaken = result.notes.filter((note) => note.reason.startsWith('not an agent')).map((note) => rel(note.file));
    const shadowed = result.warnings.map((warning) => rel(warning.file));
    const lenient = result.notes.filter((w) => w.reason.startsWith('frontmatter is not strict YAML')).map((w) => rel(w.file));

    console.log(
      [
        `agent corpus: ${result.agents.length + notTaken.length + shadowed.length} .md files, ${result.agents.length} loaded, ${result.problems.length} errors, ${shadowed.length} shadowed, ${notTaken.length} not agents`,
        `  read leniently: ${lenient.length} (contains-studio ${lenient.filter((f) => f.startsWith('contains-studio')).length}, VoltAgent ${lenient.filter((f) => f.startsWith('voltagent')).length})`,
        ...[...result.warnings, ...result.notes.filter((note) => note.reason.startsWith('not an agent'))].map(
          (problem) => `  not loaded ${formatAgentFileProblem({ ...problem, file: rel(problem.file) })}`,
        ),
      ].join('\n'),
    );

    // 196 .md files: 195 agent files + SOURCE.md.
    expect(result.agents.length + notTaken.length + shadowed.length).toBe(196);
    expect(result.agents).toHaveLength(186);
    expect(result.problems).toEqual([]);
    // Names defined in both collections: the contains-studio file (shallower) keeps each.
    expect(shadowed.sort()).toEqual([
      'voltagent-awesome-claude-code-subagents/categories/01-core-development/frontend-developer.md',
      'voltagent-awesome-claude-code-subagents/categories/01-core-development/ui-designer.md',
      'voltagent-awesome-claude-code-subagents/categories/05-data-ai/ai-engineer.md',
      'voltagent-awesome-claude-code-subagents/categories/08-business-product/ux-researcher.md',
    ]);
    for (const warning of result.warnings) {
      expect(warning.field).toBe('name');
      expect(warning.reason).toContain(`${CORPUS_DIR}${path.sep}contains-studio-agents${path.sep}`);
    }
    // SOURCE.md is documentation; the 5 marketing files without frontmatter sit beside agent files
    // with frontmatter, so they are taken for documentation too (the rule in README "Adding an agent").
    expect(notTaken.sort()).toEqual([
      'SOURCE.md',
      ...['content-creator', 'growth-hacker', 'instagram-curator', 'reddit-community-builder', 'twitter-engager'].map(
        (name) => `contains-studio-agents/marketing/${name}.md`,
      ),
    ]);
    expect(result.notes.find((note) => rel(note.file) === 'SOURCE.md')?.reason).toContain("file name 'SOURCE' is not an agent name");
    expect(lenient.filter((f) => f.startsWith('contains-studio'))).toHaveLength(32);
    expect(lenient.filter((f) => f.startsWith('voltagent'))).toHaveLength(8);
    expect(result.notes).toHaveLength(46);

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
      '## In Slack',
      'clarifying question',
    ];
    for (const phrase of phrases) expect(prompt, phrase).toContain(phrase);
    expect(prompt).not.toContain('â€');
    // All six "when to use" triggers.
    const triggers = prompt.split('## When to Use This Agent')[1]?.split('##')[0] ?? '';
    expect(triggers.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(6);
  });

  it("keeps the seed's output expectations and workflow, and a Slack section that adapts format without overriding them", async () => {
    const result = await loadAgents(REPO_AGENTS_DIR);
    const agent = result.agents.find((candidate) => candidate.name === 'backend-architect');
    if (agent === undefined) throw new Error('backend-architect not loaded');
    const section = (heading: string) => agent.prompt.split(`## ${heading}\n`)[1]?.split('\n## ')[0] ?? '';
    const bullets = (text: string) => text.split('\n').filter((line) => line.startsWith('- '));

    // Output expectations: four points, the architecture sketch first, examples in Go or Python.
    const output = bullets(section('Output Expectations'));
    expect(output).toHaveLength(4);
    expect(output[0]).toMatch(/architecture sketch.*components, data flow.*boundaries/);
    expect(output[1]).toMatch(/tradeoffs explicit.*complexity.*scaling/);
    expect(output[2]).toMatch(/examples in Go or Python.*correctness and clarity/);
    expect(output[3]).toMatch(/tests, monitoring.*runbooks/);

    // The five workflow steps, in the seed's order.
    const steps = section('Default Workflow').match(/^\d\. \*\*(.+)\*\*$/gm) ?? [];
    expect(steps).toEqual([
      '1. **Clarify requirements and constraints**',
      '2. **Propose an architecture**',
      '3. **Design data models and APIs**',
      '4. **Implement incrementally**',
      '5. **Validate and harden**',
    ]);
    // The five principles, in the seed's order.
    expect(section('Working Principles').match(/^\d\. \*\*/gm)).toHaveLength(5);

    // The Slack section adapts format only: the sketch still comes first, code stays Go or Python.
    const slack = section('In Slack');
    expect(slack).toContain('output expectations above still hold');
    expect(slack).toMatch(/open with the architecture sketch/);
    expect(slack).toContain('code blocks for Go or Python');
    expect(slack).not.toMatch(/lead with the answer/i);
    // No comment claims the rest of the file is the seed's own text.
    expect(agent.prompt).not.toMatch(/original (agent )?(definition|text)|not part of the original|verbatim/i);
    // The seed has no model key: the file has none either (not even `model: inherit`).
    expect(await readFile(agent.sourceFile, 'utf8')).not.toMatch(/^model:/m);
  });
});

describe("the repo's starter Engineering Crew", () => {
  const members = ['backend-architect', 'engineering-lead', 'security-engineer', 'sre-platform-engineer', 'data-engineer', 'frontend-architect'];

  it('ships at least five members, each with a description, aliases, an icon and 3–4 suggested prompts', async () => {
    const result = await loadAgents(REPO_AGENTS_DIR);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.agents.length).toBeGreaterThanOrEqual(5);
    expect(result.agents.map((agent) => agent.name).sort()).toEqual([...members].sort());
    for (const agent of result.agents) {
      expect(agent.description.length, agent.name).toBeGreaterThan(60);
      expect(agent.description, agent.name).toContain('Engineering Crew');
      expect(agent.aliases.length, agent.name).toBeGreaterThanOrEqual(1);
      expect(agent.displayName, agent.name).not.toBe('');
      expect(agent.iconEmoji, agent.name).toMatch(/^:[a-z0-9_+-]+:$/);
      expect(agent.suggestedPrompts.length, agent.name).toBeGreaterThanOrEqual(3);
      expect(agent.suggestedPrompts.length, agent.name).toBeLessThanOrEqual(4);
      expect(agent.prompt, agent.name).toContain('## In Slack');
      expect(agent.model, agent.name).toBe('inherit');
    }
    // Every alias reaches its own member (no alias was dropped for a collision).
    const registry = createAgentRegistry(result.agents);
    expect(registry.defaultAgent().name).toBe('backend-architect');
    const aliases = result.agents.flatMap((agent) => agent.aliases.map((alias) => [alias, agent.name]));
    for (const [alias, name] of aliases) expect(registry.find(alias!)?.name, alias).toBe(name);
    expect(Object.fromEntries(aliases)).toMatchObject({
      architect: 'backend-architect',
      lead: 'engineering-lead',
      'eng-lead': 'engineering-lead',
      security: 'security-engineer',
      appsec: 'security-engineer',
      sre: 'sre-platform-engineer',
      platform: 'sre-platform-engineer',
      data: 'data-engineer',
      frontend: 'frontend-architect',
    });
  });

  it('lets each member consult exactly the members its file names, all of them crew members', async () => {
    const result = await loadAgents(REPO_AGENTS_DIR);
    const registry = createAgentRegistry(result.agents);
    const consults = Object.fromEntries(
      result.agents.map((agent) => [agent.name, consultTargetsOf(agent, registry).map((target) => target.name).sort()]),
    );
    expect(consults).toEqual({
      'backend-architect': ['data-engineer', 'frontend-architect', 'security-engineer', 'sre-platform-engineer'],
      // The lead may ask anyone (`tools: Agent`), never itself.
      'engineering-lead': members.filter((name) => name !== 'engineering-lead').sort(),
      'security-engineer': ['backend-architect', 'sre-platform-engineer'],
      'sre-platform-engineer': ['data-engineer', 'security-engineer'],
      'data-engineer': ['backend-architect'],
      'frontend-architect': ['backend-architect', 'security-engineer'],
    });
    // Every name written in an `Agent(...)` list resolves: none is silently left out.
    for (const agent of result.agents) {
      const written = agent.tools.flatMap((tool) => /^Agent\((.*)\)$/.exec(tool)?.[1]?.split(',') ?? []).map((name) => name.trim());
      for (const name of written) expect(registry.find(name), `${agent.name} → ${name}`).toBeDefined();
    }
  });

  it('gives the web tools only to the security engineer, who looks up advisories and CVEs', async () => {
    const result = await loadAgents(REPO_AGENTS_DIR);
    const withWeb = result.agents.filter((agent) => agent.tools.some((tool) => /^Web(Search|Fetch)$/.test(tool)));
    expect(withWeb.map((agent) => agent.name)).toEqual(['security-engineer']);
    expect(withWeb[0]?.prompt).toMatch(/CVE/);
  });

  it('gives the lead the job of triage, consulting and saying what came from whom', async () => {
    const result = await loadAgents(REPO_AGENTS_DIR);
    const lead = result.agents.find((agent) => agent.name === 'engineering-lead');
    expect(lead?.tools).toEqual(['Agent']);
    for (const phrase of ['Triage first', 'Consult deliberately', 'Synthesise', 'what you took from whom']) {
      expect(lead?.prompt, phrase).toContain(phrase);
    }
  });
});
