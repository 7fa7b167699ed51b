import { describe, expect, it } from 'vitest';
import { decideAccess, describeRefusal } from './access-policy.js';

const asker = { teamId: 'T1', channelId: 'C1', userId: 'U1', isDirectMessage: false };

describe('decideAccess', () => {
  it('allows everyone when no list is set', () => {
    expect(decideAccess({}, asker)).toEqual({ allowed: true });
  });

  it('allows only listed workspaces, channels and people; every set list must pass', () => {
    const policy = { allowedTeamIds: ['T1'], allowedChannelIds: ['C1', 'C2'], allowedUserIds: ['U1'] };
    expect(decideAccess(policy, asker)).toEqual({ allowed: true });
    expect(decideAccess(policy, { ...asker, channelId: 'C2' })).toEqual({ allowed: true });
    expect(decideAccess(policy, { ...asker, teamId: 'T9' })).toEqual({ allowed: false, reason: 'team_not_allowed', reply: 'none' });
    expect(decideAccess(policy, { ...asker, channelId: 'C9' })).toEqual({ allowed: false, reason: 'channel_not_allowed', reply: 'private' });
    expect(decideAccess(policy, { ...asker, userId: 'U9' })).toEqual({ allowed: false, reason: 'user_not_allowed', reply: 'private' });
  });

  it('checks the workspace first: a foreign workspace hears nothing even from a listed channel', () => {
    const policy = { allowedTeamIds: ['T1'], allowedChannelIds: ['C9'] };
    expect(decideAccess(policy, { ...asker, teamId: 'T9', channelId: 'C9' })).toMatchObject({ reason: 'team_not_allowed', reply: 'none' });
  });

  it('does not channel-restrict direct messages, but still checks the person and the workspace', () => {
    const policy = { allowedTeamIds: ['T1'], allowedChannelIds: ['C1'], allowedUserIds: ['U1'] };
    const dm = { ...asker, channelId: 'D123', isDirectMessage: true };
    expect(decideAccess(policy, dm)).toEqual({ allowed: true });
    expect(decideAccess(policy, { ...dm, userId: 'U9' })).toMatchObject({ reason: 'user_not_allowed' });
    expect(decideAccess(policy, { ...dm, teamId: 'T9' })).toMatchObject({ reason: 'team_not_allowed' });
  });
});

describe('describeRefusal', () => {
  it('says when to try again after a rate limit, in seconds or minutes', () => {
    expect(describeRefusal('rate_limited', 1)).toContain('about 1 second.');
    expect(describeRefusal('rate_limited', 29_001)).toContain('about 30 seconds.');
    expect(describeRefusal('rate_limited', 5 * 60_000)).toContain('about 5 minutes.');
  });

  it('never names internals', () => {
    for (const reason of ['team_not_allowed', 'channel_not_allowed', 'user_not_allowed', 'rate_limited', 'store_unavailable'] as const) {
      expect(describeRefusal(reason, 1000)).not.toMatch(/redis|error|token|allowlist|ALLOWED_/i);
    }
  });
});
