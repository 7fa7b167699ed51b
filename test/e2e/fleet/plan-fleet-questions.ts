/** One thread of the fleet soak / bench: where it is, who asks, and its questions in order. */
export interface FleetThread {
  channel: string;
  user: string;
  rootTs: string;
  questions: string[];
  /** Each question's message ts (the first is `rootTs`). */
  questionTs: string[];
}

/**
 * `threads` threads spread over 50 channels, one asker each; every fifth thread holds three
 * questions (a first one and two follow-ups), the rest one. Every message ts is unique, and a
 * thread's follow-ups come after its root, as Slack's do.
 */
export function planFleetQuestions(threads: number, options: { followUpEvery?: number; questionsPerBusyThread?: number } = {}): FleetThread[] {
  const every = options.followUpEvery ?? 5;
  const busy = options.questionsPerBusyThread ?? 3;
  const base = Math.floor(Date.now() / 1000);
  return Array.from({ length: threads }, (_, index) => {
    const count = index % every === 0 ? busy : 1;
    const seconds = base + index;
    return {
      channel: `C${3000 + (index % 50)}`,
      user: `UF${index}`,
      rootTs: `${seconds}.000100`,
      questionTs: Array.from({ length: count }, (_, question) => `${seconds}.${String(100 + question * 100).padStart(6, '0')}`),
      questions: Array.from({ length: count }, (_, question) => `fleet thread ${index} question ${question + 1}: how do we partition ledger ${index}?`),
    };
  });
}
