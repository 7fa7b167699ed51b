const REDACTED = '***';

/**
 * Returns `url` with its password (userinfo password and any `password` query parameter)
 * replaced by `***`, so the connection target can be logged. Never throws; a string that is
 * not a parseable URL is replaced entirely, since where its secret sits cannot be known.
 */
export function redactRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparseable redis url]';
  }
  if (parsed.password !== '') {
    parsed.password = REDACTED;
  }
  if (parsed.searchParams.has('password')) {
    parsed.searchParams.set('password', REDACTED);
  }
  return parsed.toString();
}
