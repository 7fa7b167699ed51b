import type { ContentBlock } from '../../core/model/content-block.js';
import type { AnswerStatus, StoredTurn } from '../../core/thread/thread-state.js';

/**
 * Compact turn record as stored in the turns list. `r` must stay the first property: the
 * append script recognises user turns by the `{"r":"u",` prefix without decoding JSON.
 */
export interface TurnRecord {
  r: 'u' | 'a';
  i: string;
  t: number;
  u?: string;
  s?: 'c' | 'i';
  n?: number;
  o?: number;
  /** Text of a turn that is one text block (today's and older records: the common case stays compact). */
  x?: string;
  /** Content of any other turn (tool calls, results, several blocks), as the core's blocks. */
  b?: ContentBlock[];
}

export const USER_RECORD_PREFIX = '{"r":"u",';

/** How every record of this role and turn id starts (`r` and `i` are always its first two fields). */
export function recordPrefixOf(turn: StoredTurn): string {
  return `{"r":"${turn.role === 'user' ? 'u' : 'a'}","i":${JSON.stringify(turn.turnId)},`;
}

export function encodeTurnRecord(turn: StoredTurn): string {
  // `r` first (see USER_RECORD_PREFIX); JSON.stringify leaves out the undefined fields.
  const record: TurnRecord = {
    r: turn.role === 'user' ? 'u' : 'a',
    i: turn.turnId,
    t: turn.at,
    u: turn.userId,
    s: turn.status === undefined ? undefined : turn.status === 'complete' ? 'c' : 'i',
    n: turn.inputTokens,
    o: turn.outputTokens,
    ...encodeContent(turn.content),
  };
  return JSON.stringify(record);
}

export function decodeTurnRecord(raw: string): { turn: StoredTurn } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { problem: 'invalid JSON' };
  }
  if (typeof value !== 'object' || value === null) {
    return { problem: 'not an object' };
  }
  const record = value as Partial<Record<keyof TurnRecord, unknown>>;
  if (record.r !== 'u' && record.r !== 'a') return { problem: 'unknown role' };
  const content = decodeContent(record.x, record.b);
  if (content === undefined) return { problem: 'missing content' };
  if (typeof record.i !== 'string') return { problem: 'missing turn id' };
  if (typeof record.t !== 'number' || !Number.isFinite(record.t)) return { problem: 'missing timestamp' };

  const turn: StoredTurn = { role: record.r === 'u' ? 'user' : 'assistant', content, turnId: record.i, at: record.t };
  if (typeof record.u === 'string') turn.userId = record.u;
  const status = decodeStatus(record.s);
  if (status !== undefined) turn.status = status;
  if (typeof record.n === 'number') turn.inputTokens = record.n;
  if (typeof record.o === 'number') turn.outputTokens = record.o;
  return { turn };
}

function decodeStatus(value: unknown): AnswerStatus | undefined {
  if (value === 'c') return 'complete';
  if (value === 'i') return 'interrupted';
  return undefined;
}

/** A lone text block is stored as `x` (the record layout of every earlier version); anything else as `b`. */
function encodeContent(content: readonly ContentBlock[]): Pick<TurnRecord, 'x' | 'b'> {
  const only = content.length === 1 ? content[0] : undefined;
  return only?.type === 'text' ? { x: only.text } : { b: [...content] };
}

function decodeContent(text: unknown, blocks: unknown): ContentBlock[] | undefined {
  if (typeof text === 'string') return [{ type: 'text', text }];
  if (Array.isArray(blocks) && blocks.every(isContentBlock)) return blocks;
  return undefined;
}

function isContentBlock(value: unknown): value is ContentBlock {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'text' || type === 'thinking' || type === 'tool-use' || type === 'tool-result' || type === 'file';
}
