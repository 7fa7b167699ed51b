import { describe, expect, it } from 'vitest';
import { isEndSessionRequest } from './read-end-session-request.js';

describe('isEndSessionRequest', () => {
  it('recognises the bare phrases that end a session', () => {
    for (const text of ['end', 'End.', '/end', 'end session', 'close this session', 'stop the session', ' END  SESSION! ', 'close session']) {
      expect(isEndSessionRequest(text)).toBe(true);
    }
  });

  it('leaves questions and a bare "stop" alone (Stop is for a running answer)', () => {
    for (const text of ['stop', 'end to end tests?', 'how do I end a session in Redis?', 'close the socket', 'ended', 'the end']) {
      expect(isEndSessionRequest(text)).toBe(false);
    }
  });
});
