import type { GeminiCandidate, GeminiResponse } from '../gemini/gemini.types';
import type {
  ChatCompletion,
  ChatCompletionMessage,
  ChatResponseOptions,
} from './chat-completion.types';
import { finishReason, readParts, toToolCall, toUsage } from './gemini-parts';

export { ChatStreamConverter } from './chat-stream-converter';
export { finishReason } from './gemini-parts';

/**
 * A Gemini answer as an OpenAI `chat.completion`: one choice per candidate, with the answer text
 * (null if none), the thoughts as `reasoning_content` (when `includeReasoning` and non-empty) and
 * function calls as `tool_calls`. A response without candidates (a blocked prompt) still gets one
 * empty choice, finished as `content_filter` when Gemini gave a block reason. `usage` is always
 * present; completion tokens include thinking tokens.
 */
export function toChatCompletion(
  response: GeminiResponse,
  options: ChatResponseOptions,
): ChatCompletion {
  const candidates: GeminiCandidate[] = response.candidates?.length
    ? response.candidates
    : [{ finishReason: response.promptFeedback?.blockReason ? 'SAFETY' : 'STOP' }];
  const choices = candidates.map((candidate, position) => {
    const { text, reasoning, calls } = readParts(candidate.content?.parts);
    const message: ChatCompletionMessage = { role: 'assistant', content: text || null };
    if (options.includeReasoning && reasoning) message.reasoning_content = reasoning;
    if (calls.length) message.tool_calls = calls.map((call) => toToolCall(call, options.toolNames));
    return {
      index: candidate.index ?? position,
      message,
      finish_reason: finishReason(candidate.finishReason, calls.length > 0),
    };
  });
  return {
    id: options.id,
    object: 'chat.completion',
    created: options.created,
    model: options.model,
    choices,
    usage: toUsage(response.usageMetadata),
  };
}
