import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Headers Slack sends with a signed request. */
export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
  'content-type': string;
}

/** Input of {@link signSlackRequest}. */
export interface SignSlackRequestInput {
  /** The exact raw body that will be sent. */
  body: string;
  signingSecret: string;
  /** Default: now. */
  timestampSec?: number;
  /** Default: JSON for bodies starting with `{`, else form-urlencoded. */
  contentType?: string;
}

/** Options shared by {@link postSlackEvent} and {@link postSlashCommand}. */
export interface PostSlackOptions {
  signingSecret: string;
  timestampSec?: number;
  /** Sets `x-slack-retry-num` (Slack's redelivery counter). */
  retryNum?: number;
  /** Sets `x-slack-retry-reason` (e.g. `http_timeout`). */
  retryReason?: string;
  /** Corrupts the signature (one hex digit changed). */
  badSignature?: boolean;
}

/** What the bot answered. */
export interface SlackPostResult {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/**
 * Signs a request body like Slack: `x-slack-signature` = `v0=` + hex HMAC-SHA256 of
 * `v0:<timestamp>:<raw body>` keyed by the signing secret.
 */
export function signSlackRequest(input: SignSlackRequestInput): SlackSignatureHeaders {
  const timestamp = String(input.timestampSec ?? Math.floor(Date.now() / 1000));
  const digest = createHmac('sha256', input.signingSecret).update(`v0:${timestamp}:${input.body}`).digest('hex');
  const contentType =
    input.contentType ??
    (input.body.trimStart().startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded');
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${digest}`, 'content-type': contentType };
}

async function postSigned(url: string, body: string, contentType: string, options: PostSlackOptions): Promise<SlackPostResult> {
  const signed = signSlackRequest({
    body,
    signingSecret: options.signingSecret,
    contentType,
    ...(options.timestampSec !== undefined ? { timestampSec: options.timestampSec } : {}),
  });
  const headers: Record<string, string> = { ...signed };
  if (options.badSignature) {
    const sig = signed['x-slack-signature'];
    headers['x-slack-signature'] = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
  }
  if (options.retryNum !== undefined) headers['x-slack-retry-num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['x-slack-retry-reason'] = options.retryReason;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers.entries()) };
}

/** POSTs a signed Events API (or interactivity) JSON body; a string payload is sent byte-for-byte. */
export function postSlackEvent(url: string, payload: unknown, options: PostSlackOptions): Promise<SlackPostResult> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return postSigned(url, body, 'application/json', options);
}

/** POSTs a signed slash command (form-urlencoded fields, or a raw form string sent as is). */
export function postSlashCommand(
  url: string,
  fields: Record<string, string> | string,
  options: PostSlackOptions,
): Promise<SlackPostResult> {
  const body = typeof fields === 'string' ? fields.trim() : new URLSearchParams(fields).toString();
  return postSigned(url, body, 'application/x-www-form-urlencoded', options);
}

/** Options of {@link buildEventCallback}. */
export interface EventCallbackOptions {
  teamId: string;
  eventId: string;
  apiAppId: string;
  /** Default: one bot authorization for `botUserId` in `teamId`. */
  authorizations?: unknown[];
  /** Used by the default authorization (default `UBOT`). */
  botUserId?: string;
  /** Default: now. */
  eventTime?: number;
}

/** Wraps an inner event in an Events API `event_callback` body shaped like Slack's. */
export function buildEventCallback(innerEvent: Record<string, unknown>, options: EventCallbackOptions): Record<string, unknown> {
  const type = typeof innerEvent['type'] === 'string' ? innerEvent['type'] : 'unknown';
  const channel = typeof innerEvent['channel'] === 'string' ? innerEvent['channel'] : '';
  return {
    token: 'verification-token',
    team_id: options.teamId,
    api_app_id: options.apiAppId,
    event: innerEvent,
    type: 'event_callback',
    event_id: options.eventId,
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: options.authorizations ?? [
      {
        enterprise_id: null,
        team_id: options.teamId,
        user_id: options.botUserId ?? 'UBOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${type}-${options.teamId}-${channel}`,
  };
}

/**
 * Reads `test/fixtures/slack-payloads/<name>`: parsed JSON for `.json` files, else the text.
 */
export function loadSlackPayload<T = unknown>(name: string): T {
  const text = readFileSync(new URL(`../fixtures/slack-payloads/${name}`, import.meta.url), 'utf8');
  return (name.endsWith('.json') ? JSON.parse(text) : text) as T;
}
