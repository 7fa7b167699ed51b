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
    case 'model_rate_limited':
    case 'model_server_error':
      return 'Claude is overloaded right now and did not answer after several tries. Please ask again in a minute.';
    case 'model_connection_lost':
      return 'The connection to Claude dropped before the answer was complete.';
    case 'model_stalled':
      return 'Claude stopped responding mid-answer, so I cut it off.';
    case 'model_auth_failed':
      return 'I could not reach Claude: the crew’s API key was rejected. An admin needs to check the bot’s configuration.';
    case 'model_invalid_request':
      return 'Claude could not accept this request (it may be too long). Try a shorter question or start a new thread.';
    case 'model_aborted':
      return 'The answer was stopped.';
    case 'store_unavailable':
      return 'I cannot reach my memory store right now, so I cannot answer safely. Please try again in a minute.';
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

/** Appended after partial text when an answer is cut short. */
export function formatInterruptionNotice(error: unknown): string {
  return `⚠️ _Answer interrupted: ${describeErrorForUser(error)}_`;
}
