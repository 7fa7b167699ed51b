import { CrewError, ModelCallError } from '../errors.js';

/**
 * The one place that turns an error into words a person reads in Slack.
 * Never includes stack traces, request bodies or internal messages.
 */
export function describeErrorForUser(error: unknown): string {
  if (!(error instanceof CrewError)) {
    return 'Something went wrong on my side while answering. Please try again in a moment.';
  }
  switch (error.code) {
    case 'model_overloaded':
      return 'Claude is overloaded right now and did not answer after several tries. Please ask again in a minute.';
    case 'model_rate_limited':
      return 'Claude’s API is rate-limiting the crew right now (too many requests), so I gave up after several tries. Please ask again in a minute.';
    case 'model_server_error':
      return 'Claude’s API kept failing on its side, so I gave up after several tries. Please ask again in a minute.';
    case 'model_unreachable':
      return `I could not connect to Claude’s API at ${hostOf(error)}: ${describeConnectionFailure(error.details.reason)}. Nothing was sent; an admin should check the network and ANTHROPIC_BASE_URL.`;
    case 'model_no_response':
      return `Claude’s API${atHost(error)} accepted the connection but did not start answering${withinSeconds(error.details.waitedMs)}, so I gave up. Please ask again in a minute.`;
    case 'model_connection_lost':
      return 'The connection to Claude dropped before the answer was complete.';
    case 'model_stalled':
      return 'Claude stopped responding mid-answer, so I cut it off.';
    case 'model_auth_failed':
      return error.details.status === 403
        ? 'I could not reach Claude: the crew’s API key is not permitted to do this. An admin needs to check the key’s permissions.'
        : 'I could not reach Claude: the crew’s API key was rejected. An admin needs to check the bot’s configuration.';
    case 'model_not_found': {
      const model = typeof error.details.model === 'string' ? ` \`${error.details.model}\`` : '';
      return `Claude’s API${atHost(error)} answered “not found”: the model${model} does not exist for this key, or ANTHROPIC_BASE_URL points to the wrong place. An admin needs to check the agent’s \`model\` and the base URL.`;
    }
    case 'model_request_too_large':
      return 'This conversation is too long for the model to accept. Try a shorter question or start a new thread.';
    case 'model_invalid_request':
      return 'Claude could not accept this request (the API rejected it as invalid). An admin can find the reason in the logs; starting a new thread may help.';
    case 'model_aborted':
      return 'The answer was stopped.';
    case 'store_unavailable':
      return 'I cannot reach my memory store right now, so I cannot answer safely. Please try again in a minute.';
    case 'delivery_not_in_channel':
      return `I couldn't post my answer in ${channelOf(error)}: I'm not a member of that channel. Invite me there (\`/invite\` and my name) and ask again.`;
    case 'delivery_channel_not_found':
      return `I couldn't post my answer in ${channelOf(error)}: the channel is archived, gone, or closed to me.`;
    case 'delivery_auth_failed':
      return 'Slack rejected the crew’s credentials, so the answer could not be posted. An admin needs to reinstall or reconfigure the bot.';
    case 'delivery_rate_limited':
      return 'Slack is rate-limiting me right now, so the answer could not be posted in full. Please ask again in a minute.';
    case 'delivery_stopped_by_user':
      return 'Stopped — the answer above is incomplete.';
    case 'delivery_failed':
      return 'Slack would not accept my answer. Please try again.';
    case 'turn_attempts_exhausted':
      return 'I tried to answer this several times and kept failing. Please ask again.';
    case 'agent_not_found': {
      const suggestion = error.details.suggestion;
      return typeof suggestion === 'string' ? `${error.message}. Did you mean \`${suggestion}\`?` : `${error.message}.`;
    }
    default:
      if (error instanceof ModelCallError) {
        return 'Claude could not answer this time. Please try again.';
      }
      return 'Something went wrong on my side while answering. Please try again in a moment.';
  }
}

function hostOf(error: CrewError): string {
  const host = error.details.host;
  return typeof host === 'string' && host !== '' ? host : 'its address';
}

function atHost(error: CrewError): string {
  const host = error.details.host;
  return typeof host === 'string' && host !== '' ? ` at ${host}` : '';
}

function withinSeconds(waitedMs: unknown): string {
  return typeof waitedMs === 'number' && waitedMs > 0 ? ` within ${Math.max(1, Math.round(waitedMs / 1000))} s` : ' in time';
}

/** Why no connection was made, in plain words (the reasons of `ConnectionFailureReason`). */
function describeConnectionFailure(reason: unknown): string {
  switch (reason) {
    case 'dns':
      return 'the host name does not resolve (DNS)';
    case 'refused':
      return 'the connection was refused (nothing listens there, or a firewall blocks it)';
    case 'tls':
      return 'the TLS handshake failed (certificate not trusted, or not an HTTPS server)';
    case 'timeout':
      return 'connecting timed out';
    case 'reset':
      return 'the connection was reset before any answer';
    default:
      return 'a network error';
  }
}

function channelOf(error: CrewError): string {
  const channel = error.details.channel;
  return typeof channel === 'string' && /^[CGD][A-Z0-9]+$/.test(channel) ? `<#${channel}>` : 'that conversation';
}

/** Posted after an answer the person stopped in Slack (the stopped message takes no more text). */
export function formatStoppedNotice(): string {
  return `⏹️ _${describeErrorForUser(new CrewError('delivery_stopped_by_user', 'Stopped by the user'))}_`;
}

/** Appended after partial text when an answer is cut short. */
export function formatInterruptionNotice(error: unknown): string {
  return `⚠️ _Answer interrupted: ${describeErrorForUser(error)}_`;
}

/** Told privately when the "what was wrong" form could not be opened (Slack refused, or the press was too old). */
export const feedbackFormUnavailableNotice = '⚠️ I could not open the form just now. Press the button again — your 👎 is already noted.';
