import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AgentRegistry } from '../../../core/agents/agent-registry.js';
import { chooseSuggestedPrompts } from '../../../core/agents/choose-suggested-prompts.js';
import { describeCrew } from '../../../core/agents/describe-crew.js';
import type { Logger } from '../../../core/shared/ports.js';
import { buildAppHomeView, homePageActionPrefix } from '../app-home-view.js';
import { readSlackError } from '../read-slack-error.js';
import { setSuggestedPrompts } from '../set-suggested-prompts.js';
import { callSlack } from '../slack-call.js';

/** Dependencies of the App Home and agent view listeners. */
export interface AppHomeListenerOptions {
  /** Read at every open, so the Home always shows the crew this process runs. */
  registry: AgentRegistry;
  logger: Logger;
  /** The bot's handle as people type it (`@architect`), once Slack told us. */
  botHandle: () => string;
  onSlackError?: (method: string, code: string) => void;
}

/** The fields of `app_home_opened` the listeners read (docs.slack.dev: `user`, `channel`, `tab`, `event_ts`, `view`). */
interface AppHomeOpened {
  user: string;
  channel: string;
  tab?: string;
  event_ts: string;
}

/**
 * Registers the agent view and App Home: `app_home_opened` with `tab: "messages"` sets the
 * default agent's suggested prompts in the DM; with `tab: "home"` (or no tab, as older events
 * came) it publishes the App Home for that person (`views.publish`); the Home's page buttons
 * publish another page. Failures (Home tab not enabled, rate limits) are logged with context and
 * never surface as a listener error: Slack has already been acknowledged and there is no one to
 * tell but the log.
 */
export function registerAppHomeListeners(app: App, options: AppHomeListenerOptions): void {
  const { registry, logger } = options;

  app.event('app_home_opened', async ({ event, client }) => {
    const opened = event as unknown as AppHomeOpened;
    const context = { user: opened.user, channel: opened.channel, tab: opened.tab ?? 'home' };
    if (opened.tab === 'messages') {
      const suggested = chooseSuggestedPrompts(registry.defaultAgent());
      await setSuggestedPrompts(client, opened.channel, suggested, { ...options, context });
      return;
    }
    await publishHome(client, opened.user, 1, context);
  });

  app.action<BlockAction<ButtonAction>>({ action_id: new RegExp(`^${homePageActionPrefix}`), type: 'block_actions' }, async ({ ack, body, action, client }) => {
    await ack();
    await publishHome(client, body.user.id, Number(action.value), { user: body.user.id, action: action.action_id });
  });

  async function publishHome(client: WebClient, userId: string, page: number, context: Record<string, unknown>): Promise<void> {
    try {
      const home = buildAppHomeView(describeCrew(registry), { botHandle: options.botHandle(), page });
      await callSlack(client, 'views.publish', { user_id: userId, view: home.view }, { logger, maxAttempts: 2, timeBudgetMs: 5_000, onError: options.onSlackError });
      logger.debug({ ...context, page: home.page, pageCount: home.pageCount, blocks: home.view.blocks.length }, 'App Home published');
    } catch (error) {
      const code = readSlackError(error).code;
      const hint = code === 'not_enabled' ? ' (enable the Home tab: features.app_home.home_tab_enabled in the manifest)' : '';
      logger.warn({ ...context, method: 'views.publish', code }, `could not publish the App Home${hint}`);
    }
  }
}
