import { setTimeout as sleep } from 'node:timers/promises';
import { postSlackEvent } from '../fakes/sign-slack-request.js';
import { spawnCrewProcess, type CrewProcess } from './spawn-crew-process.js';

/** Several crew replicas sharing one Redis, behind one events URL as a load balancer would put them. */
export interface CrewFleet {
  readonly members: CrewProcess[];
  /**
   * Delivers a signed event as Slack does to a load-balanced endpoint: to the next running
   * member (round robin); when the connection fails or the answer is not 200, again after each
   * of `retryDelaysMs` to the next one with `x-slack-retry-num` set (Slack retries three times:
   * at once, after a minute, after five). Resolves with the number of retries it took; rejects
   * when no member took it.
   */
  deliver(body: unknown): Promise<number>;
  /** `kill -9` (or another signal) to one member; it is skipped from then on. */
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Ends every member still running (SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startCrewFleet}. */
export interface CrewFleetOptions {
  size: number;
  /** Each member's environment (see `spawnCrewProcess`). */
  env: (index: number) => Record<string, string>;
  signingSecret: string;
  /** Waits before each retry (default Slack's schedule compressed tenfold: 0.1 s, 6 s, 30 s). */
  retryDelaysMs?: number[];
}

/** Starts `size` crew processes side by side (they start in parallel) and wraps them in a {@link CrewFleet}. */
export async function startCrewFleet(options: CrewFleetOptions): Promise<CrewFleet> {
  const started = await Promise.allSettled(Array.from({ length: options.size }, (_, index) => spawnCrewProcess({ env: options.env(index) })));
  const members = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    for (const member of members) member.kill('SIGKILL');
    await Promise.all(members.map((member) => member.exited));
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await stop();
    throw (failure as PromiseRejectedResult).reason;
  }
  const retryDelaysMs = options.retryDelaysMs ?? [100, 6_000, 30_000];
  let next = 0;
  const nextRunning = (): CrewProcess | undefined => {
    for (let tried = 0; tried < members.length; tried += 1) {
      const member = members[next % members.length] as CrewProcess;
      next += 1;
      if (member.isRunning()) return member;
    }
    return undefined;
  };

  return {
    members,
    async deliver(body) {
      for (let attempt = 0; attempt <= retryDelaysMs.length; attempt += 1) {
        if (attempt > 0) await sleep(retryDelaysMs[attempt - 1] ?? 0);
        const member = nextRunning();
        if (member === undefined) break;
        try {
          const result = await postSlackEvent(`${member.origin}/slack/events`, body, {
            signingSecret: options.signingSecret,
            ...(attempt > 0 ? { retryNum: attempt, retryReason: 'http_error' } : {}),
          });
          if (result.status === 200) return attempt;
        } catch {
          // The member went away mid-request: Slack sees a failed delivery and retries.
        }
      }
      throw new Error('no crew replica accepted the event');
    },
    async kill(index, signal = 'SIGKILL') {
      const member = members[index];
      if (!member) throw new Error(`no member ${index}`);
      member.kill(signal);
      await member.exited;
    },
    stop,
  };
}
