import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TurnObserver } from '../../core/turn/ports.js';
import type { BudgetScope } from '../../core/budget/ports.js';

/** Options for the metrics registry. */
export interface CrewMetricsOptions {
  /** Turns running in this process right now. */
  runningTurns: () => number;
  /** Turns waiting in the queue (all threads), best effort. */
  waitingTurns: () => Promise<number>;
  /** Also export Node process metrics (CPU, memory, event loop lag). Default true. */
  processMetrics?: boolean;
}

/** The crew's Prometheus metrics and the hooks that move them. */
export interface CrewMetrics {
  registry: Registry;
  observer: TurnObserver;
  /** A Slack event or command was acknowledged `seconds` after it arrived. */
  observeEventAck(kind: string, seconds: number): void;
  /** A Slack Web API call failed with `code`. */
  countSlackError(method: string, code: string): void;
  /** A Slack call waited `seconds` for its slot in the workspace's budget (0: went at once). */
  observeSlackBudgetWait(method: string, seconds: number): void;
  /** A question was refused before reaching the model (allowlist, rate limit, store down). */
  countRefused(agent: string, reason: string): void;
  /** A question was refused because the workspace's or the channel's daily token budget is used up. */
  countBudgetRefusal(scope: BudgetScope): void;
  /**
   * A feedback vote: a person's first vote on an answer counts in `crew_feedback_total` (once per
   * person per answer); a changed vote counts in `crew_feedback_changes_total` under its new value.
   */
  countFeedback(agent: string, value: string, change: 'recorded' | 'changed'): void;
  render(): Promise<{ contentType: string; body: string }>;
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const durationBuckets = [0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320];

/** Creates a fresh registry (no global state, so several crews can run in one process). */
export function createCrewMetrics(options: CrewMetricsOptions): CrewMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'crew_' });

  const eventAck = new Histogram({
    name: 'crew_event_ack_seconds',
    help: 'Time from Bolt handing over a Slack event or command to its acknowledgement (the question durably queued), by event type.',
    labelNames: ['kind'],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const budgetWait = new Histogram({
    name: 'crew_slack_budget_wait_seconds',
    help: 'Time a Slack call waited for its slot in the workspace’s call budget (shared by every replica), by method.',
    labelNames: ['method'],
    buckets: [0, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const firstToken = new Histogram({
    name: 'crew_model_first_token_seconds',
    help: 'Time from a turn starting to the model’s first token.',
    labelNames: ['agent'],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const firstVisible = new Histogram({
    name: 'crew_first_visible_text_seconds',
    help: 'Time from a turn starting to its first words reaching Slack.',
    labelNames: ['agent'],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const turnDuration = new Histogram({
    name: 'crew_turn_duration_seconds',
    help: 'Duration of a turn, from start to the answer being stored.',
    labelNames: ['agent', 'outcome'],
    buckets: durationBuckets,
    registers: [registry],
  });
  const turns = new Counter({
    name: 'crew_turns_total',
    help: 'Turns by agent and outcome (answered, interrupted, failed, refused).',
    labelNames: ['agent', 'outcome'],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'crew_tokens_total',
    help: 'Model tokens by agent and kind (input, output, cache_read, cache_write).',
    labelNames: ['agent', 'kind'],
    registers: [registry],
  });
  const slackErrors = new Counter({
    name: 'crew_slack_api_errors_total',
    help: 'Failed Slack Web API calls by method and Slack error code.',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  const modelErrors = new Counter({
    name: 'crew_model_errors_total',
    help: 'Failed model attempts by type (overloaded, rate_limited, server_error, connection_lost, stalled, auth_failed, invalid_request, aborted), whether or not a retry then succeeded.',
    labelNames: ['type'],
    registers: [registry],
  });
  const modelAttempts = new Counter({
    name: 'crew_model_attempts_total',
    help: 'Model requests made, including retries.',
    labelNames: ['agent'],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'crew_questions_refused_total',
    help: 'Questions refused before reaching the model, by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const budgetRefusals = new Counter({
    name: 'crew_budget_refusals_total',
    help: 'Questions refused because a daily token budget is used up, by scope (team, channel).',
    labelNames: ['scope'],
    registers: [registry],
  });
  const consults = new Counter({
    name: 'crew_consults_total',
    help: 'Consults between crew members, by who asked, who was asked and how it went (answered, failed, refused).',
    labelNames: ['from', 'to', 'outcome'],
    registers: [registry],
  });
  const files = new Counter({
    name: 'crew_files_total',
    help: 'Shared files read for model requests, by kind (text, image, pdf) and outcome (read, no_access, not_found, too_large, foreign_host, unreadable).',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  const feedback = new Counter({
    name: 'crew_feedback_total',
    help: 'Feedback votes on answers by agent and value (up, down): a person\'s first vote on an answer, once per person per answer. Current votes: crew_feedback_total{value} + crew_feedback_changes_total{value} - crew_feedback_changes_total{the other value}.',
    labelNames: ['agent', 'value'],
    registers: [registry],
  });
  const feedbackChanges = new Counter({
    name: 'crew_feedback_changes_total',
    help: 'Feedback votes a person changed (a second press of the other button), by agent and the new value.',
    labelNames: ['agent', 'value'],
    registers: [registry],
  });
  new Gauge({
    name: 'crew_turns_in_flight',
    help: 'Turns running in this process.',
    registers: [registry],
    collect() {
      this.set(options.runningTurns());
    },
  });
  new Gauge({
    name: 'crew_turns_queued',
    help: 'Turns waiting in the queue (all threads).',
    registers: [registry],
    async collect() {
      this.set(await options.waitingTurns().catch(() => 0));
    },
  });

  const observer: TurnObserver = {
    modelAttempt({ agent }) {
      modelAttempts.inc({ agent });
    },
    modelError({ code }) {
      modelErrors.inc({ type: code.replace(/^model_/, '') });
    },
    firstToken({ agent, sinceStartMs }) {
      firstToken.observe({ agent }, sinceStartMs / 1000);
    },
    firstVisibleText({ agent, sinceStartMs }) {
      firstVisible.observe({ agent }, sinceStartMs / 1000);
    },
    fileRead({ kind, outcome }) {
      files.inc({ kind, outcome });
    },
    consultFinished({ from, to, outcome }) {
      consults.inc({ from, to, outcome });
    },
    turnFinished({ agent, outcome, durationMs, usage }) {
      turns.inc({ agent, outcome });
      turnDuration.observe({ agent, outcome }, durationMs / 1000);
      if (usage) {
        tokens.inc({ agent, kind: 'input' }, usage.inputTokens);
        tokens.inc({ agent, kind: 'output' }, usage.outputTokens);
        tokens.inc({ agent, kind: 'cache_read' }, usage.cacheReadTokens);
        tokens.inc({ agent, kind: 'cache_write' }, usage.cacheWriteTokens);
      }
    },
  };

  return {
    registry,
    observer,
    observeEventAck: (kind, seconds) => eventAck.observe({ kind }, seconds),
    countSlackError: (method, code) => slackErrors.inc({ method, code }),
    observeSlackBudgetWait: (method, seconds) => budgetWait.observe({ method }, seconds),
    countRefused: (agent, reason) => {
      turns.inc({ agent, outcome: 'refused' });
      refusals.inc({ reason });
    },
    countBudgetRefusal: (scope) => budgetRefusals.inc({ scope }),
    countFeedback: (agent, value, change) => (change === 'recorded' ? feedback : feedbackChanges).inc({ agent, value }),
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}
