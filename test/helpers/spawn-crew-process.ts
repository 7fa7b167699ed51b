import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../fakes/wait-for.js';

/** How a crew child process ended. */
export interface CrewProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The bot running as a real child process (`node --import tsx src/main.ts`). */
export interface CrewProcess {
  readonly pid: number;
  /** HTTP port it listens on (read from its `crew is up` log line). */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Every JSON log line it wrote so far, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** Everything it wrote (stdout and stderr), raw. */
  output(): string;
  /** Resolves with the first log line matching `predicate` (default timeout 10 s). */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends a signal (SIGTERM for a graceful stop, SIGKILL for `kill -9`). */
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  readonly exited: Promise<CrewProcessExit>;
  /** True until the process exits. */
  isRunning(): boolean;
}

/** Options of {@link spawnCrewProcess}. */
export interface SpawnCrewProcessOptions {
  /** The crew's environment (nothing is inherited except PATH and HOME). LOG_LEVEL must log `info`: the port is read from a log line. */
  env: Record<string, string>;
  /** How long to wait for `crew is up` (default 45 s; a loaded CI machine is slow to start Node). */
  startTimeoutMs?: number;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts the bot as a separate process, exactly as `npm start` would run it but from the
 * TypeScript sources, and resolves once it logged `crew is up` (PORT=0 picks a free port;
 * the port is read from that log line). The caller must end it (`kill`) and await `exited`.
 */
export async function spawnCrewProcess(options: SpawnCrewProcessOptions): Promise<CrewProcess> {
  // exit-with-parent.mjs ends the child when this process dies (its stdin pipe closes).
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--import', './test/helpers/exit-with-parent.mjs', 'src/main.ts'], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_FORMAT: 'json', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let raw = '';
  let pending = '';
  let running = true;

  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    raw += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a JSON log line (e.g. a Node warning): kept in `output()` only.
      }
    }
  });
  child.stderr?.on('data', (chunk: string) => {
    raw += chunk;
  });
  const exited = new Promise<CrewProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });

  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000) =>
    waitFor(() => logs.find(predicate), {
      timeoutMs,
      intervalMs: 20,
      describe: () => `crew process ${running ? 'running' : 'exited'}; output:\n${raw.slice(-4000)}`,
    });

  let up: Record<string, unknown>;
  try {
    up = await Promise.race([
      waitFor(() => logs.find((line) => line.msg === 'crew is up'), { timeoutMs: options.startTimeoutMs ?? 45_000, intervalMs: 20 }),
      exited.then((exit) => {
        throw new Error(`it exited with ${JSON.stringify(exit)}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`crew process did not start: ${error instanceof Error ? error.message : String(error)}\n${raw.slice(-4000)}`);
  }
  const port = Number(up.port);

  return {
    pid: child.pid ?? -1,
    port,
    origin: `http://127.0.0.1:${port}`,
    logs,
    output: () => raw,
    waitForLog,
    kill(signal) {
      if (running) child.kill(signal);
    },
    exited,
    isRunning: () => running,
  };
}
