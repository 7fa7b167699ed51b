import Anthropic from '@anthropic-ai/sdk';
import type { KnownModel } from '../../core/model/model-catalog.js';

/** Options of {@link listAnthropicModels}. */
export interface ListModelsOptions {
  apiKey: string;
  baseUrl?: string;
  /** Gives up after this long (start-up must not hang on it). Default 5 s. */
  timeoutMs?: number;
}

/** The models the key can use (`GET /v1/models`, every page), with their token limits. */
export async function listAnthropicModels(options: ListModelsOptions): Promise<KnownModel[]> {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    maxRetries: 1,
    timeout: options.timeoutMs ?? 5_000,
  });
  const models: KnownModel[] = [];
  for await (const info of client.models.list({ limit: 100 })) {
    models.push({
      id: info.id,
      createdAt: Date.parse(info.created_at) || 0,
      ...(typeof info.max_input_tokens === 'number' ? { maxInputTokens: info.max_input_tokens } : {}),
      ...(typeof info.max_tokens === 'number' ? { maxOutputTokens: info.max_tokens } : {}),
    });
  }
  return models;
}
