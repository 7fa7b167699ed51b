import { CONSULT_TOOL_NAME } from '../model/ports.js';
import type { ProgressItem, Reply } from '../reply/ports.js';
import type { TurnEvent } from './turn-event.js';

/** How a tool call reads in the progress list. */
function describeToolCall(name: string, input: unknown, displayNameOf: (member: string) => string): { title: string; details?: string } {
  if (name === CONSULT_TOOL_NAME) {
    const { member, question } = (input ?? {}) as { member?: unknown; question?: unknown };
    const who = typeof member === 'string' ? displayNameOf(member) : 'a crew member';
    return { title: `Consulting ${who}`, ...(typeof question === 'string' ? { details: question.slice(0, 200) } : {}) };
  }
  const query = (input as { query?: unknown; url?: unknown } | null)?.query ?? (input as { url?: unknown } | null)?.url;
  const detail = typeof query === 'string' ? query.slice(0, 200) : undefined;
  if (name === 'web_search') return { title: 'Searching the web', details: detail };
  if (name === 'web_fetch') return { title: 'Reading a web page', details: detail };
  return { title: `Using ${name}`, details: detail };
}

/**
 * Pushes a turn's visible events to its reply: status, answer text, and a progress item per
 * tool call (in progress on the call, complete or failed with its sources on the result).
 * Thinking is not shown. Endings are closed by {@link closeReply}.
 */
export class TurnPresenter {
  private readonly items = new Map<string, ProgressItem>();

  constructor(
    private readonly reply: Reply,
    private readonly displayNameOf: (member: string) => string = (member) => member,
  ) {}

  show(event: TurnEvent): void {
    switch (event.type) {
      case 'status':
        this.reply.status(event.text);
        return;
      case 'text-delta':
        this.reply.text(event.text);
        return;
      case 'tool-call': {
        const item: ProgressItem = { id: event.id, status: 'in_progress', ...describeToolCall(event.name, event.input, this.displayNameOf) };
        this.items.set(event.id, item);
        this.reply.progress(item);
        return;
      }
      case 'tool-result': {
        const started = this.items.get(event.toolUseId);
        if (!started) return;
        const item: ProgressItem = {
          ...started,
          status: event.isError ? 'error' : 'complete',
          ...(event.sources.length > 0 ? { sources: event.sources.slice(0, 10) } : {}),
          ...(event.output ? { output: event.output.slice(0, 200) } : {}),
        };
        this.items.set(event.toolUseId, item);
        this.reply.progress(item);
        return;
      }
      default:
        return;
    }
  }
}

/** Closes the reply as the turn ended; other events need no closing. */
export async function closeReply(reply: Reply, event: TurnEvent): Promise<void> {
  if (event.type === 'turn-end') await reply.finish({ notice: event.notice });
  else if (event.type === 'turn-error') await reply.fail(event.notice, event.retry);
}
