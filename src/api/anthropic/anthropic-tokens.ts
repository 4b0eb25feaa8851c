import { estimateTokens } from '../gemini/gemini-request';
import type { GeminiRequest } from '../gemini/gemini.types';

/** What one image counts for in a local estimate. */
const IMAGE_TOKENS = 300;

/**
 * A local estimate of a request's input tokens (`count_tokens`, and `message_start` before the
 * upstream counted): the text estimate of `countTokens` (characters / 4), plus 300 per image and
 * a quarter of the JSON length of tool declarations, calls and results.
 */
export function estimateInputTokens(request: GeminiRequest): number {
  let tokens = estimateTokens(request);
  const quarter = (value: unknown) => Math.ceil(JSON.stringify(value).length / 4);
  for (const part of request.contents.flatMap((content) => content.parts)) {
    if (part.inlineData) tokens += IMAGE_TOKENS;
    if (part.functionCall) tokens += quarter(part.functionCall);
    if (part.functionResponse) tokens += quarter(part.functionResponse);
  }
  if (request.tools?.length) tokens += quarter(request.tools);
  return tokens;
}
