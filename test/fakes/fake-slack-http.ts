import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSON_FIELDS } from './fake-slack-args.js';
import type { SlackArgs } from './fake-slack-types.js';

/** A decoded Web API request. */
export interface DecodedSlackRequest {
  args: SlackArgs;
  /** Bearer token from `Authorization`, else the `token` form field. */
  token: string | undefined;
  /** Set when a JSON-valued field could not be decoded (the Slack error code to answer). */
  decodeError?: string;
}

/** Reads a request body as UTF-8 text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Decodes a Web API call the way Slack reads it. WebClient POSTs
 * `application/x-www-form-urlencoded` where every non-scalar value (blocks, metadata, chunks…) is
 * a JSON string; Slack also accepts a JSON body, and query-string arguments.
 */
export function decodeSlackRequest(
  body: string,
  contentType: string | undefined,
  query: URLSearchParams,
  authorization: string | undefined,
): DecodedSlackRequest {
  const args: SlackArgs = {};
  let decodeError: string | undefined;
  for (const [key, value] of query) args[key] = value;
  if ((contentType ?? '').includes('application/json') && body.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(args, parsed);
      else decodeError = 'invalid_json';
    } catch {
      decodeError = 'invalid_json';
    }
  } else {
    for (const [key, value] of new URLSearchParams(body)) {
      if (JSON_FIELDS.has(key)) {
        try {
          args[key] = JSON.parse(value);
        } catch {
          args[key] = value;
          decodeError ??= key === 'blocks' ? 'invalid_blocks_format' : 'invalid_arguments';
        }
      } else {
        args[key] = value;
      }
    }
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const bodyToken = typeof args['token'] === 'string' ? args['token'] : undefined;
  delete args['token'];
  return { args, token: bearer ?? bodyToken, ...(decodeError !== undefined ? { decodeError } : {}) };
}
