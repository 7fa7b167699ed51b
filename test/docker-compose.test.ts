/**
 * Deployment files: docker-compose.yml, Dockerfile, .dockerignore and .env.example.
 * No Docker engine runs in CI, so these are checked structurally. When the `docker compose`
 * plugin is on PATH, `docker compose config` (which needs no engine) also validates the file.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const read = (name: string) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { type: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
}

interface ComposeFile {
  version?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

function loadCompose(): ComposeFile {
  const document = parseDocument(read('docker-compose.yml'), { uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(`docker-compose.yml: ${document.errors.map(String).join('; ')}`);
  return document.toJS() as ComposeFile;
}

function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** `environment` as a map, whichever of the two compose syntaxes is used. */
function environmentOf(svc: ComposeService): Record<string, string> {
  if (Array.isArray(svc.environment)) {
    return Object.fromEntries(
      svc.environment.map((entry) => {
        const at = entry.indexOf('=');
        return at === -1 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(svc.environment ?? {}).map(([key, value]) => [key, String(value ?? '')]));
}

function commandWords(command: string | string[] | undefined): string[] {
  if (command === undefined) return [];
  return Array.isArray(command) ? command : command.split(/\s+/).filter(Boolean);
}

// ---------- Dockerfile parsing ----------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions in order: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && line.startsWith('#')) continue; // comment inside a continuation
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending.trim() !== '') logical.push(pending.trim());
  return logical.map((line) => {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    return { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '' };
  });
}

/** Instructions grouped by build stage (each starts with its FROM). */
function stagesOf(instructions: Instruction[]): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([instruction]);
    else stages.at(-1)?.push(instruction);
  }
  return stages;
}

const instructions = parseDockerfile(read('Dockerfile'));
const stages = stagesOf(instructions);
const finalStage = stages.at(-1) ?? [];
const buildStage = stages[0] ?? [];
const runArgs = (stage: Instruction[]) => stage.filter((i) => i.keyword === 'RUN').map((i) => i.args);

// ---------- docker compose availability ----------

const composeProbe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 15_000 });
const hasCompose = composeProbe.status === 0;
const composeSkipReason = hasCompose
  ? ''
  : ` (skipped: \`docker compose version\` failed here${composeProbe.error ? `: ${composeProbe.error.message}` : ''} — no compose plugin on PATH)`;

describe('docker-compose.yml', () => {
  const compose = loadCompose();

  it('defines the redis and crew services and no obsolete version key', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['crew', 'redis']);
    expect(compose.version).toBeUndefined();
  });

  it('runs Redis 7 with append-only persistence on a named volume', () => {
    const redis = service(compose, 'redis');
    expect(redis.image).toMatch(/^redis:7(\.|-|$)/);
    const words = commandWords(redis.command);
    expect(words[0]).toBe('redis-server');
    const flag = words.indexOf('--appendonly');
    expect(flag).toBeGreaterThan(0);
    expect(words[flag + 1]).toBe('yes');
    const dataMount = (redis.volumes ?? [])
      .map((volume) => (typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target]))
      .find(([, target]) => target === '/data');
    expect(dataMount, 'a volume mounted at /data').toBeDefined();
    const volumeName = dataMount?.[0] ?? '';
    expect(volumeName).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/); // a named volume, not a host path
    expect(Object.keys(compose.volumes ?? {})).toContain(volumeName);
  });

  it('health-checks Redis with redis-cli ping', () => {
    const test = service(compose, 'redis').healthcheck?.test;
    const words = Array.isArray(test) ? test : commandWords(test);
    expect(words).toContain('redis-cli');
    expect(words).toContain('ping');
  });

  it('builds crew from this folder and starts it only once Redis is healthy', () => {
    const crew = service(compose, 'crew');
    const context = typeof crew.build === 'string' ? crew.build : crew.build?.context;
    expect(context).toBe('.');
    expect(crew.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
    expect(crew.restart).toBe('unless-stopped');
    expect(service(compose, 'redis').restart).toBe('unless-stopped');
  });

  it('points REDIS_URL at the redis service', () => {
    const url = new URL(environmentOf(service(compose, 'crew')).REDIS_URL ?? 'missing:');
    expect(url.protocol).toBe('redis:');
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(url.hostname).toBe('redis');
    expect(url.port === '' || url.port === '6379').toBe(true);
  });

  it('mounts ./agents read-only over the image’s baked-in agents (issue 14: agents as a volume)', () => {
    expect(service(compose, 'crew').volumes).toContain('./agents:/app/agents:ro');
  });

  it('publishes the port the bot listens on', () => {
    const crew = service(compose, 'crew');
    const port = environmentOf(crew).PORT ?? '3000';
    expect(crew.ports).toContain(`${port}:${port}`);
  });

  it('reads secrets from an optional .env file and interpolates nothing', () => {
    const crew = service(compose, 'crew');
    expect(crew.env_file).toEqual([{ path: '.env', required: false }]);
    // ${VAR} in `environment` would override .env with an empty value whenever the shell lacks it.
    expect(read('docker-compose.yml')).not.toMatch(/\$\{/);
  });

  it('has a health check for crew (in compose or from the image HEALTHCHECK)', () => {
    const crew = service(compose, 'crew');
    const inCompose = crew.healthcheck !== undefined && crew.healthcheck.disable !== true;
    const inImage = finalStage.some((i) => i.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(i.args));
    expect(crew.healthcheck?.disable, 'compose must not disable the image health check').not.toBe(true);
    expect(inCompose || inImage).toBe(true);
  });

  it.skipIf(!hasCompose)(`is accepted by \`docker compose config\`${composeSkipReason}`, () => {
    const result = spawnSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '--quiet'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]?.args).toMatch(/^node:20-bookworm-slim\b/);
  });

  it('installs all dependencies and compiles in the build stage', () => {
    const runs = runArgs(buildStage).join(' && ');
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
  });

  it('installs production dependencies only in the final stage', () => {
    const runs = runArgs(finalStage);
    expect(runs.some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm cache clean\b/.test(run))).toBe(true);
    // No full install (dev dependencies) anywhere in the final stage.
    expect(runs.filter((run) => /\bnpm (ci|install)\b/.test(run) && !/--omit=dev/.test(run))).toEqual([]);
  });

  it('copies the compiled output, agents and package.json into the final stage', () => {
    const copies = finalStage.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies.some((args) => /--from=\S+/.test(args) && /\/dist\b/.test(args))).toBe(true);
    expect(copies.some((args) => /\bagents\b/.test(args))).toBe(true);
    expect(copies.some((args) => /\bpackage\.json\b/.test(args))).toBe(true);
  });

  it('runs as the non-root node user', () => {
    const users = finalStage.filter((i) => i.keyword === 'USER');
    expect(users.at(-1)?.args).toBe('node');
    const userAt = finalStage.lastIndexOf(users.at(-1) as Instruction);
    const cmdAt = finalStage.findIndex((i) => i.keyword === 'CMD');
    expect(userAt).toBeLessThan(cmdAt);
  });

  it('sets production env, exposes 3000 and starts dist/main.js', () => {
    const env = finalStage
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    expect(env).toMatch(/\bPORT=3000\b/);
    expect(finalStage.some((i) => i.keyword === 'EXPOSE' && i.args.split(/\s+/).includes('3000'))).toBe(true);
    const cmd = finalStage.find((i) => i.keyword === 'CMD');
    expect(JSON.parse(cmd?.args ?? 'null')).toEqual(['node', '--max-semi-space-size=32', 'dist/main.js']);
  });

  it('has a HEALTHCHECK calling GET /healthz with node (the slim image has no curl)', () => {
    const healthcheck = finalStage.find((i) => i.keyword === 'HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    expect(healthcheck?.args).toMatch(/\bCMD node -e\b/);
    expect(healthcheck?.args).toContain('/healthz');
    expect(healthcheck?.args).not.toMatch(/\b(curl|wget)\b/);
  });
});

describe('Dockerfile HEALTHCHECK probe (run against a local server)', () => {
  const healthcheck = finalStage.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
  const script = /CMD node -e "(.*)"$/.exec(healthcheck)?.[1] ?? '';
  let server: Server | undefined;

  afterEach(async () => {
    const running = server;
    server = undefined;
    if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
  });

  async function serve(status: number): Promise<number> {
    const started = createServer((request, response) => {
      response.statusCode = request.url === '/healthz' ? status : 404;
      response.end();
    });
    server = started;
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    return (started.address() as AddressInfo).port;
  }

  /** Runs the probe script as Docker would (sh -c "node -e …") and returns its exit code. */
  async function probe(port: number): Promise<number> {
    try {
      await execFileAsync(process.execPath, ['-e', script], {
        env: { ...process.env, PORT: String(port) },
        timeout: 10_000,
      });
      return 0;
    } catch (error) {
      return (error as { code?: number }).code ?? -1;
    }
  }

  it('extracts the probe script', () => {
    expect(script).toContain('/healthz');
  });

  it('exits 0 when /healthz answers 200', async () => {
    expect(await probe(await serve(200))).toBe(0);
  });

  it('exits 1 when /healthz answers 503', async () => {
    expect(await probe(await serve(503))).toBe(1);
  });

  it('exits 1 when nothing listens', async () => {
    const port = await serve(200);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await probe(port)).toBe(1);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('keeps dependencies, build output, VCS data, tests, logs and secrets out of the context', () => {
    for (const pattern of ['node_modules', 'dist', '.git', 'test', 'bench', 'coverage', '*.log', '.env']) {
      expect(patterns).toContain(pattern);
    }
  });

  it('does not exclude what the build stage needs', () => {
    for (const needed of ['package.json', 'package-lock.json', 'src', 'tsconfig.json', 'tsconfig.build.json', 'agents', 'bin']) {
      expect(patterns).not.toContain(needed);
    }
  });
});

describe('.env.example', () => {
  const lines = read('.env.example').split(/\r?\n/);
  const documented = new Map<string, string>();
  lines.forEach((line, index) => {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1]) documented.set(match[1], lines[index - 1] ?? '');
  });

  const variables = [
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'SLACK_API_URL',
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_BASE_URL',
    'REDIS_URL',
    'PORT',
    'AGENTS_DIR',
    'DEFAULT_AGENT',
    'LOG_LEVEL',
    'LOG_FORMAT',
  ];

  it.each(variables)('lists %s with a comment above it', (name) => {
    expect(documented.has(name)).toBe(true);
    expect(documented.get(name)).toMatch(/^#/);
  });

  it('documents the LOG_FORMAT values', () => {
    expect(documented.get('LOG_FORMAT')).toMatch(/json/);
    expect(documented.get('LOG_FORMAT')).toMatch(/pretty/);
  });

  it('holds no secrets', () => {
    for (const line of lines) {
      expect(line).not.toMatch(/^(SLACK_BOT_TOKEN|SLACK_APP_TOKEN|SLACK_SIGNING_SECRET|ANTHROPIC_API_KEY)=\S/);
      expect(line).not.toMatch(/xox[bpa]-[A-Za-z0-9]|xapp-\d|sk-ant-/);
    }
  });
});
