import { createHash } from 'node:crypto';
import { countTokens } from './fake-anthropic-reply.js';
import type { FakeCacheControl, FakeContentBlockParam, FakeMessagesBody, FakeToolDefinition, FakeUsage } from './fake-anthropic-types.js';

/** Tokens added for each message (and for a system prompt and a tool list), on its first block. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** How many blocks before a breakpoint the cache lookup checks (the real API's window is 20). */
export const LOOKBACK_BLOCKS = 20;
const HOUR_MS = 60 * 60_000;

interface FlatBlock {
  /** Chain hash of the prefix ending with this block. */
  hash: string;
  /** Tokens of the prefix ending with this block. */
  prefixTokens: number;
  /** Breakpoint TTL when this block ends a cached prefix. */
  breakpointTtlMs?: number;
}

interface CacheEntry {
  tokens: number;
  ttlMs: number;
  expiresAt: number;
}

/** Options of {@link FakeAnthropicCache}. */
export interface FakeAnthropicCacheOptions {
  minCacheableTokens: number;
  ttlMs: number;
  now?: () => number;
}

/**
 * A simple model of Anthropic prompt caching, for measuring cost in tests and benchmarks.
 *
 * A request is flattened into blocks in the API's cache order: tool definitions, system blocks,
 * then each message's content blocks (string content is one text block). A text block costs
 * ⌈chars/4⌉ tokens, any other block or tool ⌈chars/4⌉ of its JSON, plus
 * {@link MESSAGE_OVERHEAD_TOKENS} on the first block of every message, of the system prompt and
 * of the tool list. A prefix is identified by a hash chained over model + every block's role,
 * message index and text or JSON (`cache_control` itself is ignored), so a changed tool list
 * changes every prefix after it and misses the cache.
 *
 * Breakpoints are blocks carrying `cache_control`; with top-level `cache_control` (automatic
 * caching) the last block of the last message is one too.
 * - Read: for each breakpoint, the longest cached, unexpired prefix ending at the breakpoint or up
 *   to 19 blocks before it; the longest such hit over all breakpoints is read
 *   (`cache_read_input_tokens`) and its TTL refreshed.
 * - Write: every breakpoint prefix of at least `minCacheableTokens` is stored; the longest one,
 *   when longer than the read, is billed as `cache_creation_input_tokens` = its tokens − read.
 * - `input_tokens` = total − read − creation (as in the real API, it excludes cached tokens).
 */
export class FakeAnthropicCache {
  private readonly entries = new Map<string, CacheEntry>();
  private readonly now: () => number;

  constructor(private readonly options: FakeAnthropicCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Number of live cache entries. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
  }

  /** Input usage of `body` (output_tokens 0); updates the cache as the API would. */
  usageFor(body: FakeMessagesBody): Omit<FakeUsage, 'output_tokens'> {
    const blocks = this.flatten(body);
    const total = blocks.at(-1)?.prefixTokens ?? 0;
    const now = this.now();
    const min = this.options.minCacheableTokens;
    const breakpoints = blocks.map((b, i) => ({ ...b, index: i })).filter((b) => b.breakpointTtlMs !== undefined);

    let read = 0;
    let readHash: string | undefined;
    for (const point of breakpoints) {
      for (let j = point.index; j >= Math.max(0, point.index - (LOOKBACK_BLOCKS - 1)); j -= 1) {
        const block = blocks[j] as FlatBlock;
        const entry = this.entries.get(block.hash);
        if (entry && entry.expiresAt > now && block.prefixTokens >= min) {
          if (block.prefixTokens > read) {
            read = block.prefixTokens;
            readHash = block.hash;
          }
          break;
        }
      }
    }
    if (readHash !== undefined) {
      const entry = this.entries.get(readHash) as CacheEntry;
      entry.expiresAt = now + entry.ttlMs;
    }

    let longestWrite = 0;
    for (const point of breakpoints) {
      if (point.prefixTokens < min) continue;
      const ttlMs = point.breakpointTtlMs as number;
      const existing = this.entries.get(point.hash);
      if (!existing || existing.expiresAt <= now) {
        this.entries.set(point.hash, { tokens: point.prefixTokens, ttlMs, expiresAt: now + ttlMs });
      }
      longestWrite = Math.max(longestWrite, point.prefixTokens);
    }
    const creation = longestWrite > read ? longestWrite - read : 0;
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
    };
  }

  private flatten(body: FakeMessagesBody): FlatBlock[] {
    const sources: Array<{ role: string; message: number; blocks: CacheBlock[] }> = [];
    if (body.tools !== undefined && body.tools.length > 0) {
      sources.push({ role: 'tools', message: -2, blocks: body.tools.map(toolBlock) });
    }
    if (body.system !== undefined) {
      sources.push({ role: 'system', message: -1, blocks: asBlocks(body.system) });
    }
    body.messages.forEach((m, i) => sources.push({ role: m.role, message: i, blocks: asBlocks(m.content) }));
    const lastSource = sources.length - 1;

    const flat: FlatBlock[] = [];
    let hash = createHash('sha256').update(`model:${body.model}`).digest('hex');
    let tokens = 0;
    sources.forEach((source, s) => {
      source.blocks.forEach((block, b) => {
        const text = block.type === 'text' && typeof block.text === 'string' ? block.text : jsonWithoutCacheControl(block);
        hash = createHash('sha256')
          .update(hash)
          .update(JSON.stringify([source.role, source.message, block.type, text]))
          .digest('hex');
        tokens += countTokens(text) + (b === 0 ? MESSAGE_OVERHEAD_TOKENS : 0);
        const control =
          block.cache_control ??
          (s === lastSource && b === source.blocks.length - 1 && source.role !== 'system' ? body.cache_control : undefined);
        flat.push({
          hash,
          prefixTokens: tokens,
          ...(control ? { breakpointTtlMs: control.ttl === '1h' ? HOUR_MS : this.options.ttlMs } : {}),
        });
      });
    });
    return flat;
  }
}

/** A block as the cache sees it: a text block, or any other block or tool (counted by its JSON). */
interface CacheBlock {
  type: string;
  text?: string;
  cache_control?: FakeCacheControl;
  [key: string]: unknown;
}

function asBlocks(content: string | FakeContentBlockParam[]): CacheBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : (content as unknown as CacheBlock[]);
}

function toolBlock(tool: FakeToolDefinition): CacheBlock {
  return { ...tool, type: `tool:${String(tool.type ?? 'custom')}` };
}

function jsonWithoutCacheControl(block: CacheBlock): string {
  const { cache_control: _ignored, ...rest } = block;
  return JSON.stringify(rest);
}
