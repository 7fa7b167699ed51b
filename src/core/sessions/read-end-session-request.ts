/**
 * Whether a thread reply asks to end the thread's agent session rather than ask a question:
 * only a bare, unmistakable phrase counts ("end", "end session", "close this session", "/end"),
 * so a question that merely starts with "end" is still answered.
 */
export function isEndSessionRequest(text: string): boolean {
  const phrase = text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '')
    .replace(/\s+/g, ' ');
  return /^\/?(end|close|stop)( (this|the))?( session)?$/.test(phrase) && phrase.replace(/^\//, '') !== 'stop';
}
