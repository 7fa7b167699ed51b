import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from '../../core/shared/ports.js';
import { createBoltLogger } from './create-bolt-logger.js';

/** Options for the Bolt app. */
export interface SlackAppOptions {
  botToken: string;
  /** HTTP mode. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  apiUrl?: string;
  logger: Logger;
  /**
   * Resolves the bot's identity for each event (see `create-slack-auth-check.ts`). When set,
   * Bolt's own start-up `auth.test` (cached forever, even when it failed) is not used.
   */
  authorize?: () => Promise<{ botToken: string; botId: string; botUserId: string; teamId?: string }>;
}

/** The Bolt app and, in HTTP mode, the receiver whose request listener the HTTP server fronts. */
export interface SlackApp {
  app: App;
  /** Web API client with the bot token, for calls made outside listeners. */
  client: WebClient;
  httpReceiver?: HTTPReceiver;
  socketReceiver?: SocketModeReceiver;
}

/**
 * WebClient tuning for streaming: rate limits are rejected to our own call wrapper (which
 * honours Retry-After per answer, capped) instead of the default policy that can wait ~30
 * minutes; transport failures retry briefly.
 */
export function slackClientOptions(apiUrl?: string): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2000, randomize: true },
    timeout: 15_000,
    maxRequestConcurrency: 200,
  };
}

function credentialsOf(options: SlackAppOptions) {
  // Bolt accepts a token or an authorize function, not both.
  return options.authorize ? { authorize: options.authorize } : { token: options.botToken };
}

function clientOf(app: App, options: SlackAppOptions, clientOptions: WebClientOptions): WebClient {
  return options.authorize ? new WebClient(options.botToken, clientOptions) : app.client;
}

/**
 * Creates the Bolt app: HTTP (signature verification, `processBeforeResponse` so a question
 * is queued before Slack gets its ack) or Socket Mode when an app token is set.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const boltLogger = createBoltLogger(options.logger);
  const clientOptions = slackClientOptions(options.apiUrl);
  if (options.appToken) {
    const socketReceiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger: boltLogger,
      logLevel: LogLevel.INFO,
      installerOptions: { clientOptions },
    });
    const app = new App({ ...credentialsOf(options), receiver: socketReceiver, clientOptions, logger: boltLogger });
    return { app, client: clientOf(app, options, clientOptions), socketReceiver };
  }
  const httpReceiver = new HTTPReceiver({
    signingSecret: options.signingSecret ?? '',
    endpoints: '/slack/events',
    processBeforeResponse: true,
    logger: boltLogger,
    unhandledRequestTimeoutMillis: 2900,
  });
  const app = new App({ ...credentialsOf(options), receiver: httpReceiver, clientOptions, logger: boltLogger });
  return { app, client: clientOf(app, options, clientOptions), httpReceiver };
}
