import type { SharedFileRef } from '../files/shared-file-ref.js';
import type { TurnJob } from '../queue/turn-job.js';
import type { QuestionRequest } from './question-request.js';

/** The job for an accepted question: everything a worker needs, no chat payload. Used by every surface and the CLI. */
export function buildTurnJob(request: Omit<QuestionRequest, 'replies' | 'agent' | 'deliveryIds' | 'threadTs'>, answer: { threadTs: string; agentName?: string; defaultAgentName?: string; text: string; files?: SharedFileRef[] }): TurnJob {
  return {
    id: request.jobId,
    ...(request.eventId ? { eventId: request.eventId } : {}),
    source: request.source,
    teamId: request.teamId,
    channelId: request.channelId,
    threadTs: answer.threadTs,
    ...(request.messageTs ? { messageTs: request.messageTs } : {}),
    userId: request.userId,
    ...(answer.agentName ? { agentName: answer.agentName } : {}),
    ...(answer.defaultAgentName ? { defaultAgentName: answer.defaultAgentName } : {}),
    text: answer.text,
    ...(answer.files && answer.files.length > 0 ? { files: answer.files } : {}),
    isDirectMessage: request.isDirectMessage,
    receivedAt: request.receivedAt,
    progress: {},
  };
}
