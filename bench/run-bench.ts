import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchRow } from './bench-row.js';
import { measureCacheCost } from './measure-cache-cost.js';
import { measureConcurrency } from './measure-concurrency.js';
import { measureConsults } from './measure-consults.js';
import { measureFirstWords } from './measure-first-words.js';
import { measureFleet } from './measure-fleet.js';
import { measureRedisPerTurn } from './measure-redis-per-turn.js';
import { measureSharedFiles } from './measure-shared-files.js';
import { measureSlackCalls } from './measure-slack-calls.js';
import { measureSlackPacing } from './measure-slack-pacing.js';

/**
 * `npm run bench [-- --only <letters>]`: runs the real app (startCrew) against the loopback fakes
 * and a real Redis (unique key prefix, deleted afterwards) and prints one table. Sections:
 * a bot overhead · b first-token lag · c Slack calls per answer · d Redis per turn ·
 * e prompt-cache cost · f concurrent threads · g, h consults · i shared files · j a fleet of replicas on a Redis Cluster · k Slack pacing. `--only ab` (or `--only a,b`) runs a subset.
 */
const sections = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'] as const;

function parseOnly(argv: string[]): Set<string> {
  const index = argv.indexOf('--only');
  const inline = argv.find((arg) => arg.startsWith('--only='));
  const value = inline ? inline.slice('--only='.length) : index >= 0 ? argv[index + 1] : undefined;
  if (value === undefined) return new Set(sections);
  const chosen = new Set(value.toLowerCase().replace(/[^a-k]/g, '').split(''));
  if (chosen.size === 0) throw new Error(`--only takes letters a–k, got "${value}"`);
  return chosen;
}

function describeMachine(): string {
  let memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
  try {
    const free = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1]?.trim().split(/\s+/);
    if (free?.[1]) memory = `${free[1]} RAM (free -h)`;
  } catch {
    // `free` missing: keep the os figure
  }
  let redis = 'unknown';
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=([\d.]+)/)?.[1] ?? redis;
  } catch {
    // not installed locally (remote Redis)
  }
  return `${cpus().length} cores (nproc; ${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${memory}, Node ${process.version}, Redis ${redis}`;
}

/** The 1-minute load average: figures taken while other work runs on the machine are not comparable. */
function describeLoad(): string {
  return `load average ${loadavg()[0]?.toFixed(2) ?? '?'}`;
}

function formatTable(rows: BenchRow[]): string {
  const header = '| | figure | p50 / value | p99 | target | met | reproduce |';
  const rule = '|---|---|---|---|---|---|---|';
  const lines = rows.map((row) => {
    const met = row.met === undefined ? '' : row.met ? 'yes' : '**no**';
    const figure = row.note ? `${row.figure} — ${row.note}` : row.figure;
    return `| ${row.section} | ${figure} | ${row.p50} | ${row.p99 ?? ''} | ${row.target ?? ''} | ${met} | \`npm run bench -- --only ${row.section}\` |`;
  });
  return [header, rule, ...lines].join('\n');
}

/** How each section measures, printed under the table. */
const methods: Record<string, string> = {
  a: 'bench clock when it starts POSTing the signed event → fake Anthropic `receivedAt` of the model request; one new thread per event, each turn settled before the next; 10 warm-up events left out.',
  b: 'fake Anthropic `firstDeltaAt` (first text delta written) → fake Slack `at` of the `chat.startStream` carrying the first words; same turns as (a).',
  c: 'every Web API call the crew makes for the turn (after a warm-up turn), default STREAM_FLUSH_INTERVAL_MS; the fake paces 3-token deltas with timers, so a loaded machine stretches the 12.5 s stream and adds appends.',
  d: 'every write of the app’s ioredis sockets in this process (net.Socket#write hook; ioredis sends one command, pipeline or MULTI…EXEC per write, so a write is a round trip), from the event to the turn settled; classified by the keys touched; the queue’s periodic XAUTOCLAIM sweep left out. Bytes: the thread’s records and Redis MEMORY USAGE after a 10-turn thread.',
  e: 'usage the fake API reports (cached from 1,024 tokens, TTL 5 min): billed = input + 1.25 × cache writes + 0.1 × cache reads, summed over the thread; the same thread run again with every cache_control removed (internal startCrew option).',
  g: 'a lead agent that may consult a security engineer; per turn the fake scripts the lead’s tool call, the consult’s answer and the lead’s answer; fake Anthropic `completedAt` of a response → `receivedAt` of the next request, summed over the two hand-overs of each consult.',
  h: 'the same 10-turn thread (tools sent every turn, one consult per turn) with prompt caching and again with every cache_control removed; billed input as in (e), consults included.',
  i: 'each question carries a 200 KB text file and a 1 MB PNG from the fake Slack (bot token, loopback): bench clock when it starts POSTing the event → fake Anthropic `receivedAt`, one at a time after 5 warm-ups; then 50 at once with the fakes and the sender in a child process (as in f): the bot process’s peak RSS, sampled every 20 ms, minus its RSS before.',
  k: 'fakes in a child process, the fake Slack enforcing Tier 4 on chat.appendStream (100 a minute, bursts of 20; 429 + Retry-After past it); 200 mentions posted at once (64 in flight), each answered with 300 tokens at 40 tokens/s; the crew at its defaults (SLACK_STREAM_CALLS_PER_MINUTE 90). First words: fake Anthropic `firstDeltaAt` → the fake Slack `at` of that thread’s `chat.startStream`. Completion: the model’s `completedAt` → the answer’s last Slack call. Missing text: the thread’s text ≠ the model’s.',
  j: 'three crew processes (`src/main.ts` as `npm start` runs it, every setting at its default, TURN_CONCURRENCY 256) on a Redis Cluster of six loopback redis-server processes (3 primaries, a replica each) started by the bench; fakes and sender in a child process, events spread round robin; 1,000 mentions in one burst (64 in flight), each answered with 40 tokens at 200 tokens/s; closed answers (`chat.stopStream`) polled every 100 ms. At saturation: answers between the 10th and 90th percentile over their time. Lost / twice: each thread’s bot messages counted 2 s after the last answer. Needs redis-server and redis-cli on PATH.',
  f: 'fakes and event sender in a child process; this process runs only the bot. Per step: N mentions (64 in flight), then perf_hooks.monitorEventLoopDelay (10 ms resolution) over 3 s while all N answers stream (15 s each), peak RSS sampled every 200 ms; TURN_CONCURRENCY raised to N.',
};

async function main(): Promise<void> {
  const only = parseOnly(process.argv.slice(2));
  const startedAt = Date.now();
  const rows: BenchRow[] = [];
  const log = (text: string) => process.stderr.write(`${text}\n`);
  log(`crew bench: sections ${[...only].join('')} — ${describeMachine()} — ${describeLoad()}`);

  if (only.has('a') || only.has('b')) {
    log('(a, b) first words: 200 events …');
    rows.push(...(await measureFirstWords({ events: 200, sections: only })));
  }
  if (only.has('c')) {
    log('(c) Slack calls for a 1,000-token answer at 80 tokens/s (~13 s) …');
    rows.push(...(await measureSlackCalls()));
  }
  if (only.has('d')) {
    log('(d) Redis round trips, commands and bytes per turn: a 10-turn thread …');
    rows.push(...(await measureRedisPerTurn({ turns: 10 })));
  }
  if (only.has('e')) {
    log('(e) billed input tokens over a 20-turn thread, with and without prompt caching …');
    rows.push(...(await measureCacheCost({ turns: 20 })));
  }
  if (only.has('g') || only.has('h')) {
    log('(g, h) consults: a 10-turn thread with one consult per turn, with and without prompt caching …');
    rows.push(...(await measureConsults({ turns: 10 })));
  }
  if (only.has('i')) {
    log('(i) shared files: 30 questions with a 200 KB text file and a 1 MB image, then 50 at once …');
    rows.push(...(await measureSharedFiles({ questions: 30, concurrent: 50 })));
  }
  if (only.has('j')) {
    log('(j) a fleet: 3 replicas on a local Redis Cluster, 1,000 threads in a burst …');
    rows.push(...(await measureFleet({ replicas: 3, threads: 1_000 })));
  }
  if (only.has('k')) {
    log('(k) Slack pacing: 200 answers streaming at once into one workspace with Tier 4 enforced …');
    rows.push(...(await measureSlackPacing({ answers: 200 })));
  }
  if (only.has('f')) {
    log('(f) concurrent threads: ramp 100 → 1000 with slow-streaming answers (~1.5 min) …');
    rows.push(...(await measureConcurrency({ steps: [100, 250, 500, 750, 1000] })));
  }

  const date = new Date().toISOString().slice(0, 10);
  process.stdout.write(`\ncrew bench — ${date} — ${describeMachine()} — ${describeLoad()} at the end — took ${Math.round((Date.now() - startedAt) / 1000)} s\n\n`);
  process.stdout.write(`${formatTable(rows)}\n\nHow:\n`);
  for (const section of sections) if (only.has(section)) process.stdout.write(`- (${section}) ${methods[section]}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
