import type { FakeSlackCall } from './fake-slack-types.js';

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A readable dump of the last `limit` Web API calls, for timeout errors in e2e tests. */
export function describeSlackCalls(calls: readonly FakeSlackCall[], limit = 20): string {
  if (calls.length === 0) return 'fake Slack saw no Web API calls';
  const recent = calls.slice(-limit);
  const lines = recent.map((call) => {
    const time = new Date(call.at).toISOString().slice(11, 23);
    const outcome = call.response.ok ? 'ok' : `error=${String(call.response['error'])}`;
    return `  ${time} ${call.method} ${clip(JSON.stringify(call.args), 240)} → ${call.httpStatus} ${outcome}`;
  });
  const skipped = calls.length - recent.length;
  const header = `fake Slack calls (${calls.length} total${skipped > 0 ? `, first ${skipped} omitted` : ''}):`;
  return [header, ...lines].join('\n');
}
