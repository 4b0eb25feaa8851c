import type { CodeAssistCall, GenerateResult, StreamResult } from './code-assist.client';

/**
 * A Google model upstream the model caller can use: Code Assist (Gemini CLI) or antigravity.
 * Both take the same call (one credential's token and project, a model and a Gemini request) and
 * answer the same way: network errors are thrown, HTTP errors returned as failures.
 */
export interface ModelUpstream {
  /** One non-streaming call; resolves to the unwrapped Gemini response or a failure. */
  generate(call: CodeAssistCall): Promise<GenerateResult>;
  /** Opens a stream; its events are the unwrapped Gemini chunks, relayed as they arrive. */
  stream(call: CodeAssistCall): Promise<StreamResult>;
}
