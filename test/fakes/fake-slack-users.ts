import { fail, requireArgs, str } from './fake-slack-args.js';
import type { SlackMethodHandler } from './fake-slack-args.js';
import type { FakeSlackUser } from './fake-slack-types.js';

/** Slack user ids: `U…`, or `W…` on Enterprise Grid. Anything else is not a user (`user_not_found`). */
const USER_ID = /^[UW][A-Z0-9]+$/;

const avatar = 'https://avatars.slack-edge.com/fake/e3b51ca72dee4ef87916ae2b9240df50';

/**
 * `users.info` as docs.slack.dev documents it: `{ ok, user: { id, team_id, name, deleted, color,
 * real_name, tz, tz_label, tz_offset, profile: { real_name, display_name, *_normalized, image_*,
 * team, … }, is_admin, …, is_bot, updated, is_app_user, has_2fa } }`, or `user_not_found`. Users
 * come from `setUser` / the `users` option (`null` = no such user); other `U…`/`W…` ids get a
 * generated profile. As in Slack, `display_name` may be the empty string (never set), so
 * callers must fall back to `real_name`.
 */
export const usersInfo: SlackMethodHandler = (args, ctx) => {
  const missing = requireArgs(args, ['user']);
  if (missing) return missing;
  const id = str(args, 'user') as string;
  const configured = ctx.userOf(id);
  if (configured === null) return fail('user_not_found');
  const isBot = id === ctx.identity.botUserId || configured?.isBot === true;
  if (!configured && !isBot && !USER_ID.test(id)) return fail('user_not_found');
  const name = configured?.name ?? (isBot ? 'crew' : id.toLowerCase());
  const realName = configured?.realName ?? (isBot ? 'Crew' : `User ${id}`);
  const displayName = configured?.displayName ?? name;
  const tz = configured?.tz ?? 'UTC';
  return {
    ok: true,
    user: {
      id,
      team_id: ctx.identity.teamId,
      name,
      deleted: configured?.deleted ?? false,
      color: '9f69e7',
      real_name: realName,
      tz,
      tz_label: tz === 'UTC' ? 'Coordinated Universal Time' : tz,
      tz_offset: 0,
      profile: {
        avatar_hash: 'ge3b51ca72de',
        status_text: '',
        status_emoji: '',
        real_name: realName,
        display_name: displayName,
        real_name_normalized: realName,
        display_name_normalized: displayName,
        image_24: `${avatar}_24.jpg`,
        image_32: `${avatar}_32.jpg`,
        image_48: `${avatar}_48.jpg`,
        image_72: `${avatar}_72.jpg`,
        image_192: `${avatar}_192.jpg`,
        image_512: `${avatar}_512.jpg`,
        team: ctx.identity.teamId,
        ...(isBot ? { bot_id: ctx.identity.botId, api_app_id: ctx.identity.appId, always_active: true } : {}),
      },
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: isBot,
      is_app_user: false,
      updated: 1_502_138_686,
      has_2fa: false,
    },
  };
};

/** The workspace's members as tests configure them: start-up options, then `setUser` calls (forgotten on reset). */
export class FakeSlackUsers {
  private readonly set = new Map<string, FakeSlackUser | null>();

  constructor(private readonly configured: Record<string, FakeSlackUser | null> = {}) {}

  /** The configured user, `null` for an id that must answer `user_not_found`, undefined when not configured. */
  userOf(id: string): FakeSlackUser | null | undefined {
    return this.set.has(id) ? this.set.get(id) : this.configured[id];
  }

  setUser(id: string, user: FakeSlackUser | null): void {
    this.set.set(id, user);
  }

  clear(): void {
    this.set.clear();
  }
}
