import { randomBytes } from 'node:crypto';
import type { GeminiFunctionCall, GeminiPart, GeminiUsage } from '../gemini/gemini.types';
import type { ChatFinishReason, ChatToolCall, ChatUsage } from './chat-completion.types';

const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * OpenAI's finish reason for a Gemini one: any tool call → `tool_calls`, `MAX_TOKENS` →
 * `length`, the safety family (`SAFETY`, `RECITATION`, `BLOCKLIST`, `PROHIBITED_CONTENT`, `SPII`,
 * `IMAGE_*`) → `content_filter`, anything else (`STOP`, `OTHER`, …) → `stop`. Undefined (the
 * candidate is not finished) → null.
 */
export function finishReason(
  geminiReason: string | undefined,
  hasToolCalls: boolean,
): ChatFinishReason | null {
  if (!geminiReason) return null;
  if (hasToolCalls) return 'tool_calls';
  if (geminiReason === 'MAX_TOKENS') return 'length';
  return FILTERED.has(geminiReason) ? 'content_filter' : 'stop';
}

/** A candidate's parts sorted into answer text (images as Markdown), thought text and function calls. */
export function readParts(parts: GeminiPart[] = []) {
  let text = '';
  let reasoning = '';
  const calls: GeminiFunctionCall[] = [];
  for (const part of parts) {
    if (part.functionCall) calls.push(part.functionCall);
    // OpenAI has no image output: a generated image is shown as a Markdown data-URI image.
    else if (part.inlineData)
      text += `![image](data:${part.inlineData.mimeType};base64,${part.inlineData.data})`;
    else if (typeof part.text !== 'string') continue;
    else if (part.thought) reasoning += part.text;
    else text += part.text;
  }
  return { text, reasoning, calls };
}

/** An OpenAI tool call; Gemini's call id if it sent one, else a fresh `call_…`. */
export function toToolCall(
  call: GeminiFunctionCall,
  toolNames?: ReadonlyMap<string, string>,
): ChatToolCall {
  return {
    id: call.id || `call_${randomBytes(12).toString('hex')}`,
    type: 'function',
    function: {
      name: toolNames?.get(call.name) ?? call.name,
      arguments: JSON.stringify(call.args ?? {}),
    },
  };
}

/** OpenAI usage from Gemini's; missing counts are 0. */
export function toUsage(usage: GeminiUsage = {}): ChatUsage {
  const prompt = usage.promptTokenCount ?? 0;
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const completion = (usage.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage.totalTokenCount ?? prompt + completion,
    ...(thoughts ? { completion_tokens_details: { reasoning_tokens: thoughts } } : {}),
  };
}
