import type { CrewHarness } from './crew-harness.js';
import { postSlashCommand } from '../fakes/sign-slack-request.js';
import { nextTs } from './slack-event-builders.js';

/**
 * An `app_home_opened` event callback as Slack sends it (docs.slack.dev `app_home_opened`:
 * `user`, `channel` — the person's DM with the app —, `tab` "home" or "messages", `event_ts`,
 * and `view` once a Home was published), in the Events API envelope of the other builders.
 */
export function buildAppHomeOpenedEvent(fields: { tab: 'home' | 'messages'; user?: string; channel?: string; teamId?: string; view?: unknown }) {
  const eventTs = nextTs();
  const teamId = fields.teamId ?? 'T111';
  const user = fields.user ?? 'U222';
  return {
    token: 'verification-token',
    team_id: teamId,
    api_app_id: 'A111',
    event: {
      type: 'app_home_opened',
      user,
      channel: fields.channel ?? 'D111',
      event_ts: eventTs,
      tab: fields.tab,
      ...(fields.view !== undefined ? { view: fields.view } : {}),
    },
    type: 'event_callback',
    event_id: `Ev${eventTs.replace('.', '')}h`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

let pressCounter = 0;

/**
 * Presses a button on the App Home as Slack reports it: a signed `block_actions` payload whose
 * container is the view (`type: "view"`), with the `view` it was pressed in.
 */
export async function pressHomeButton(harness: CrewHarness, press: { user?: string; viewId?: string; button: { action_id: string; value: string } }) {
  pressCounter += 1;
  const actionTs = `${Math.floor(Date.now() / 1000)}.${String(200_000 + pressCounter).padStart(6, '0')}`;
  const viewId = press.viewId ?? 'VHOME';
  const payload = {
    type: 'block_actions',
    user: { id: press.user ?? 'U222', username: 'asker', name: 'asker', team_id: 'T111' },
    api_app_id: 'A111',
    token: 'verification-token',
    container: { type: 'view', view_id: viewId },
    trigger_id: `trigger-${actionTs}`,
    team: { id: 'T111', domain: 'fake-team' },
    enterprise: null,
    is_enterprise_install: false,
    view: { id: viewId, team_id: 'T111', type: 'home', blocks: [], private_metadata: '', callback_id: '', state: { values: {} }, hash: '1.1', app_id: 'A111', bot_id: 'BBOT' },
    actions: [{ action_id: press.button.action_id, block_id: 'crew_home_pages', text: { type: 'plain_text', text: 'Page', emoji: true }, value: press.button.value, type: 'button', action_ts: actionTs }],
  };
  return postSlashCommand(harness.eventsUrl, { payload: JSON.stringify(payload) }, { signingSecret: harness.signingSecret });
}
