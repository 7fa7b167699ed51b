import type { SharedFileRef } from '../files/shared-file-ref.js';
import type { ContentBlock } from '../model/content-block.js';
import type { TurnJob } from '../queue/turn-job.js';
import type { Logger } from '../shared/ports.js';
import type { ThreadHistoryReader, UserDirectory } from '../thread/ports.js';
import type { ThreadKey } from '../thread/thread-key.js';
import type { StoredTurn } from '../thread/thread-state.js';
import { attributeTurnQuestion } from './attribute-turn-question.js';
import { buildModelMessages, inputLimitOf, type BuiltMessages } from './build-model-messages.js';
import { calibrateTokenEstimator } from './estimate-tokens.js';
import { filesLeftOutOfHistory, fitQuestionFiles } from './fit-question-files.js';
import { questionBlocks } from './question-blocks.js';
import { seedFirstTurn } from './seed-first-question.js';
import { withUntrustedMaterialRule } from './untrusted-material-rule.js';

/** What {@link composeTurnRequest} needs: the turn, its stored history and the model's limits. */
export interface ComposeTurnRequestOptions {
  job: TurnJob;
  key: ThreadKey;
  history: StoredTurn[];
  agentPrompt: string;
  contextWindowTokens: number | undefined;
  maxOutputTokens: number;
  historyTokenBudget: number;
  threadReader?: ThreadHistoryReader;
  userDirectory?: UserDirectory;
  logger: Logger;
}

/** The request a turn sends, before its files are read, and the question as it is stored. */
export interface ComposedTurnRequest {
  /** The question's text as sent (seed and attribution included). */
  questionText: string;
  system: string;
  /** The question's blocks as sent and stored (files that do not fit already left out). */
  question: ContentBlock[];
  built: BuiltMessages;
  /** Files the request does not carry: the question's own that did not fit, and trimmed history's. */
  leftOutFiles: SharedFileRef[];
}

/**
 * Composes a turn's request: the question (seeded with the thread's earlier messages on the first
 * turn, named after its asker where several people talk), the system prompt, and the history
 * fitted to the input limit, with the files that did not fit named.
 */
export async function composeTurnRequest(options: ComposeTurnRequestOptions): Promise<ComposedTurnRequest> {
  const { job, key, history, logger } = options;
  // A first question in a thread that already had a conversation carries that conversation (read once).
  const seeded = await seedFirstTurn({
    reader: options.threadReader,
    key,
    question: job.text,
    messageTs: job.messageTs,
    hasHistory: history.length > 0,
    logger,
    askerId: job.userId,
    directory: options.userDirectory,
  });
  // In a thread with several people the question names its author (stored as sent: never re-rendered).
  const questionText = await attributeTurnQuestion({ directory: options.userDirectory, teamId: job.teamId, userId: job.userId, text: seeded.text, history });
  // The role prompt, then the rule that delimited material is data: the same bytes every turn.
  const system = withUntrustedMaterialRule(options.agentPrompt);
  const estimator = calibrateTokenEstimator(history);
  const budget = {
    inputTokenBudget: options.historyTokenBudget,
    systemTokens: estimator.estimate(system),
    contextWindowTokens: options.contextWindowTokens,
    maxOutputTokens: options.maxOutputTokens,
    estimator,
  };
  // Files too large for the request on their own are left out (named to the agent and the person).
  const fitted = fitQuestionFiles(questionBlocks(job, questionText, seeded.files), inputLimitOf(budget) - budget.systemTokens, estimator);
  const built = buildModelMessages(history, fitted.question, budget);
  const leftOutFiles = [...fitted.leftOut, ...filesLeftOutOfHistory(history.map((turn) => turn.content), built.messages)];
  return { questionText, system, question: fitted.question, built, leftOutFiles };
}
