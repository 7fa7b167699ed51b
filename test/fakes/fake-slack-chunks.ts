import { fail } from './fake-slack-args.js';
import type { SlackArgs, SlackResult, TaskCard } from './fake-slack-types.js';

const CHUNK_TYPES = new Set(['markdown_text', 'task_update', 'plan_update', 'blocks']);
const TASK_STATUSES = new Set(['pending', 'in_progress', 'complete', 'error']);
/** Slack's limit on a task card's `details` and `output`. */
const TASK_TEXT_LIMIT = 256;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the `chunks` argument of the streaming methods as Slack does: a list of typed chunk
 * objects (`markdown_text` with `text`; `task_update` with `id`, `title`, `status` of pending /
 * in_progress / complete / error, `details` and `output` of at most 256 characters, `sources` of
 * `{ type: 'url', url, text }` — Slack rejects a source without text; `plan_update` with `title`;
 * `blocks`). Returns an error result, or the task cards the chunks carry.
 */
export function readChunks(args: SlackArgs): { error: SlackResult } | { tasks: TaskCard[] } {
  const chunks = args['chunks'];
  if (chunks === undefined) return { tasks: [] };
  if (!Array.isArray(chunks)) return { error: fail('invalid_arguments', 'chunks must be an array') };
  const tasks: TaskCard[] = [];
  for (const [index, chunk] of chunks.entries()) {
    const at = `chunks[${index}]`;
    if (!isObject(chunk) || !CHUNK_TYPES.has(String(chunk['type']))) return { error: fail('invalid_arguments', `${at}: unknown chunk type`) };
    if (chunk['type'] === 'markdown_text' && typeof chunk['text'] !== 'string') return { error: fail('invalid_arguments', `${at}.text is required`) };
    if (chunk['type'] === 'plan_update' && typeof chunk['title'] !== 'string') return { error: fail('invalid_arguments', `${at}.title is required`) };
    if (chunk['type'] !== 'task_update') continue;
    const task = readTask(chunk, at);
    if ('error' in task) return task;
    tasks.push(task.task);
  }
  return { tasks };
}

function readTask(chunk: Record<string, unknown>, at: string): { error: SlackResult } | { task: TaskCard } {
  const { id, title, status, details, output, sources } = chunk;
  if (typeof id !== 'string' || id === '') return { error: fail('invalid_arguments', `${at}.id is required`) };
  if (typeof title !== 'string' || title === '') return { error: fail('invalid_arguments', `${at}.title is required`) };
  if (typeof status !== 'string' || !TASK_STATUSES.has(status)) return { error: fail('invalid_arguments', `${at}.status must be pending, in_progress, complete or error`) };
  for (const [field, value] of [['details', details], ['output', output]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length > TASK_TEXT_LIMIT) return { error: fail('invalid_arguments', `${at}.${field} must be a string of at most ${TASK_TEXT_LIMIT} characters`) };
  }
  if (sources !== undefined) {
    if (!Array.isArray(sources)) return { error: fail('invalid_arguments', `${at}.sources must be an array`) };
    for (const source of sources) {
      if (!isObject(source) || source['type'] !== 'url' || typeof source['url'] !== 'string' || typeof source['text'] !== 'string' || source['text'] === '') {
        return { error: fail('invalid_arguments', `${at}.sources: each source needs type url, a url and a text`) };
      }
    }
  }
  return {
    task: {
      id,
      title,
      status: status as TaskCard['status'],
      ...(typeof details === 'string' ? { details } : {}),
      ...(typeof output === 'string' ? { output } : {}),
      ...(Array.isArray(sources) ? { sources: sources as TaskCard['sources'] } : {}),
    },
  };
}

/** Applies task updates to a message's cards: a known id is updated in place, a new one is added. */
export function applyTasks(cards: TaskCard[], updates: readonly TaskCard[]): void {
  for (const update of updates) {
    const index = cards.findIndex((card) => card.id === update.id);
    if (index === -1) cards.push(update);
    else cards[index] = { ...cards[index], ...update };
  }
}
