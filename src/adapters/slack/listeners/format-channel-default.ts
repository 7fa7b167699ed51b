import type { Agent } from '../../../core/agents/agent.js';
import type { ChannelAgentChoice } from '../../../core/channels/create-channel-agent-reader.js';
import type { ChannelDefault } from '../../../core/channels/ports.js';
import { escapeSlackText, mentionUser, neutraliseBroadcastWords } from '../sanitize-outbound-text.js';

/**
 * The words of `/crew use`, in Slack mrkdwn. Names from agent files and anything a person typed
 * are escaped (and broadcast words neutralised); the only markup is the bot's own user mentions.
 */

/** An agent's display name in bold, safe to post. */
export function boldAgent(agent: Agent): string {
  return `*${escapeSlackText(neutraliseBroadcastWords(agent.displayName))}*`;
}

/** A name in backticks, safe to post (the name may come from a person or an old setting). */
export function codeName(name: string): string {
  return `\`${escapeSlackText(neutraliseBroadcastWords(name))}\``;
}

function whoAndWhen(setting: ChannelDefault): string {
  const day = Number.isFinite(setting.setAt) && setting.setAt > 0 ? ` on ${new Date(setting.setAt).toISOString().slice(0, 10)}` : '';
  return setting.setBy ? `set by ${mentionUser(setting.setBy)}${day}` : `set${day}`;
}

function listEditors(editors: readonly string[]): string {
  return editors.map(mentionUser).join(', ');
}

/** `/crew use` in a channel: who bare questions reach here, and how to change it. */
export function formatChannelDefault(choice: ChannelAgentChoice, crewDefault: Agent, canEdit: { allowed: boolean; editors: readonly string[] }): string {
  const who = canEdit.allowed ? '' : `\nOnly ${listEditors(canEdit.editors)} can change it here.`;
  if (choice.source === 'channel') {
    return (
      `Bare mentions and \`/crew <question>\` in this channel reach ${boldAgent(choice.agent)} (${codeName(choice.agent.name)}), ${whoAndWhen(choice.setting)}. ` +
      `\`/crew use <agent>\` changes it; \`/crew use default\` goes back to the crew's default, ${boldAgent(crewDefault)}.${who}`
    );
  }
  if (choice.stale) {
    return (
      `The default agent here was ${whoAndWhen(choice.stale)} to ${codeName(choice.stale.agentName)}, which is no longer in the crew, so bare mentions and ` +
      `\`/crew <question>\` reach the crew's default, ${boldAgent(choice.agent)}. \`/crew use <agent>\` picks another; \`/crew use default\` clears it.${who}`
    );
  }
  return (
    `Bare mentions and \`/crew <question>\` in this channel reach the crew's default agent, ${boldAgent(choice.agent)}. ` +
    `\`/crew use <agent>\` sets another one for this channel.${who}`
  );
}

/** `/crew use …` in a DM: DMs keep `DEFAULT_AGENT`. */
export function formatDirectMessageDefault(crewDefault: Agent): string {
  return (
    `In DMs I answer as the crew's default agent, ${boldAgent(crewDefault)}, unless your message starts with another agent's name. ` +
    'A default set with `/crew use <agent>` applies to the channel it is run in, not to DMs.'
  );
}

/** A person not on `CHANNEL_DEFAULT_EDITORS` tried to change it. */
export function formatEditRefused(editors: readonly string[], current: ChannelAgentChoice): string {
  return (
    `Only ${listEditors(editors)} can change the default agent in this channel (\`CHANNEL_DEFAULT_EDITORS\`), so nothing changed. ` +
    `Bare mentions here still reach ${boldAgent(current.agent)}.`
  );
}

/** Nothing to change. */
export function formatUnchanged(action: 'set' | 'clear', current: ChannelAgentChoice): string {
  return action === 'set'
    ? `${boldAgent(current.agent)} is already the default agent here.`
    : `No default agent is set here: bare mentions reach the crew's default, ${boldAgent(current.agent)}.`;
}

/** Posted in the channel: everyone there sees who changed it. */
export function formatSetAnnouncement(userId: string, agent: Agent): string {
  return `${mentionUser(userId)} set the default agent here to ${boldAgent(agent)}: bare mentions and \`/crew <question>\` in this channel now reach it (name another agent to ask them instead).`;
}

/** Posted in the channel when the default is cleared. */
export function formatClearAnnouncement(userId: string, crewDefault: Agent): string {
  return `${mentionUser(userId)} cleared the default agent here: bare mentions and \`/crew <question>\` in this channel reach the crew's default, ${boldAgent(crewDefault)}, again.`;
}

/** The change could not be announced, so it was undone. */
export function formatNotAnnounced(code: string, botHandle: string): string {
  if (code === 'not_in_channel') {
    return `I'm not in this channel, so I can't announce the change here and left the default as it was. Invite me with \`/invite ${escapeSlackText(botHandle)}\`, then run the command again.`;
  }
  return `I couldn't announce the change in this channel (Slack said \`${escapeSlackText(code)}\`), so I left the default as it was. Please try again.`;
}

/** `/crew help`: the line about who bare questions reach in this conversation. */
export function formatHelpLine(choice: ChannelAgentChoice | undefined, crewDefault: Agent): string {
  if (!choice) return `• In DMs I answer as ${boldAgent(crewDefault)} unless your message starts with another agent's name.`;
  if (choice.source === 'channel') return `• In this channel, bare mentions and \`/crew <question>\` reach ${boldAgent(choice.agent)} (${whoAndWhen(choice.setting)}).`;
  return `• In this channel, bare mentions and \`/crew <question>\` reach the crew's default, ${boldAgent(choice.agent)}.`;
}
