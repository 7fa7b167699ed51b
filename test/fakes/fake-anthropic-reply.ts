import type { FakeAnthropicReply, FakeMessagesBody, FakeStopReason } from './fake-anthropic-types.js';

/** Characters per token in every count the fake makes. */
export const CHARS_PER_TOKEN = 4;

/** Token count of a text: ⌈characters / 4⌉ (0 for empty text). */
export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

const FILLER = [
  'the', 'service', 'boundary', 'should', 'own', 'its', 'data', 'and', 'expose', 'a', 'narrow',
  'interface', 'so', 'teams', 'can', 'change', 'internals', 'without', 'coordination', 'latency',
  'budgets', 'matter', 'more', 'than', 'elegance', 'here',
];

/** Deterministic filler text of about `tokens` tokens (exactly `tokens × 4` characters). */
export function fillerText(tokens: number): string {
  const target = Math.max(0, Math.floor(tokens)) * CHARS_PER_TOKEN;
  const words: string[] = [];
  let length = 0;
  for (let i = 0; length < target; i += 1) {
    const word = FILLER[i % FILLER.length] as string;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, target);
}

function lastUserText(body: FakeMessagesBody): string {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  return last.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(' ');
}

/**
 * The fake's default reply for request number `n`:
 * `Architect answer #n: about "<first words of the last user message>" — …`.
 */
export function defaultFakeReply(body: FakeMessagesBody, n: number): FakeAnthropicReply {
  const words = lastUserText(body).split(/\s+/).filter(Boolean).slice(0, 6).join(' ');
  return { text: `Architect answer #${n}: about "${words}", keep the design simple and measure before optimising.` };
}

/** The text a reply produces and its stop reason, cut to `maxTokens` (stop reason `max_tokens`). */
export function replyText(reply: FakeAnthropicReply, maxTokens: number): { text: string; stopReason: FakeStopReason } {
  const full = reply.text ?? fillerText(reply.tokens ?? 0);
  if (countTokens(full) > maxTokens) {
    return { text: full.slice(0, maxTokens * CHARS_PER_TOKEN), stopReason: reply.stopReason ?? 'max_tokens' };
  }
  return { text: full, stopReason: reply.stopReason ?? 'end_turn' };
}
