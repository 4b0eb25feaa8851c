import { ApiInputError } from '../gemini/api-input.errors';
import type { GeminiContent, GeminiPart } from '../gemini/gemini.types';
import { isRecord } from '../gemini/json-object';
import type { ChatMessage } from './chat-request.schema';
import { geminiFunctionName } from './function-names';

/** Options of {@link toContents}. */
export interface ContentsOptions {
  /** Send system/developer messages as user turns instead of a system instruction. */
  compatibilityMode: boolean;
  /**
   * Mark the first function call of each assistant turn with a placeholder thought signature.
   * Gemini 3 rejects replayed function calls without one, and OpenAI clients cannot keep it.
   */
  signFunctionCalls: boolean;
}

/** Gemini's documented placeholder for a function call whose real thought signature is lost. */
export const SKIP_SIGNATURE = 'skip_thought_signature_validator';

/**
 * OpenAI messages as Gemini turns. Leading system/developer messages become `system` texts
 * (unless `compatibilityMode`); later ones, like user messages, become user turns in place.
 * Assistant → `model` (text, then tool calls as `functionCall`); tool/function results → user
 * `functionResponse`. Empty messages are dropped and consecutive turns of one role are merged,
 * which also puts parallel tool results into one turn as Gemini requires.
 *
 * @throws ApiInputError for an image that is not a base64 `data:` URI, tool call arguments that
 *   are not a JSON object, or a tool result whose function cannot be named.
 */
export function toContents(
  messages: ChatMessage[],
  options: ContentsOptions,
): { contents: GeminiContent[]; system: string[] } {
  const contents: GeminiContent[] = [];
  const system: string[] = [];
  const callNames = new Map<string, string>();
  let leadingSystem = !options.compatibilityMode;
  const add = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    // A loop, not push(...parts): tens of thousands of parts would overflow the stack as arguments.
    if (last?.role === role) for (const part of parts) last.parts.push(part);
    else contents.push({ role, parts });
  };
  messages.forEach((message, i) => {
    const path = `messages.${i}`;
    const isSystem = message.role === 'system' || message.role === 'developer';
    if (isSystem && leadingSystem) {
      const text = textOf(message.content);
      if (text.trim()) system.push(text);
      return;
    }
    leadingSystem &&= isSystem;
    if (message.role === 'tool' || message.role === 'function') {
      add('user', [functionResponse(message, path, callNames)]);
    } else if (message.role === 'assistant') {
      const calls = functionCalls(message, path, options.signFunctionCalls, callNames);
      add('model', [...contentParts(message.content, path), ...calls]);
    } else {
      add('user', contentParts(message.content, path));
    }
  });
  return { contents, system };
}

/** An assistant's tool calls as `functionCall` parts; records each call id's function name. */
function functionCalls(
  message: ChatMessage,
  path: string,
  sign: boolean,
  callNames: Map<string, string>,
): GeminiPart[] {
  return (message.tool_calls ?? []).map((call, j) => {
    if (call.id) callNames.set(call.id, call.function.name);
    const args = argumentsOf(call.function.arguments, `${path}.tool_calls.${j}.function.arguments`);
    const part: GeminiPart = {
      functionCall: {
        name: geminiFunctionName(call.function.name),
        args,
        ...(call.id ? { id: call.id } : {}),
      },
    };
    // Only a turn's first call carries a signature, as in Gemini's own parallel calls.
    if (j === 0 && sign) part.thoughtSignature = SKIP_SIGNATURE;
    return part;
  });
}

/** The text of a message: its string, or its text parts joined by newlines. */
function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

/** Text and image parts; none when the message has no non-blank text and no image. */
function contentParts(content: ChatMessage['content'], path: string): GeminiPart[] {
  if (typeof content === 'string') return content.trim() ? [{ text: content }] : [];
  const parts = (content ?? []).flatMap((part, j): GeminiPart[] => {
    if (part.type === 'image_url') {
      return [{ inlineData: dataUri(part.image_url.url, `${path}.content.${j}.image_url.url`) }];
    }
    return part.text ? [{ text: part.text }] : [];
  });
  return parts.some((part) => part.inlineData || part.text?.trim()) ? parts : [];
}

function dataUri(url: string, path: string): { mimeType: string; data: string } {
  const match = /^data:([^;,]+)(?:;[^;,]+)*;base64,(.*)$/s.exec(url.trim());
  if (!match) throw new ApiInputError(`${path}: only data: URIs are supported for images`);
  return { mimeType: match[1], data: match[2] };
}

function argumentsOf(args: unknown, path: string): Record<string, unknown> {
  if (isRecord(args)) return args;
  if (args === undefined || (typeof args === 'string' && !args.trim())) return {};
  try {
    const parsed: unknown = JSON.parse(String(args));
    if (isRecord(parsed)) return parsed;
  } catch {
    // Reported below with the path.
  }
  throw new ApiInputError(`${path}: must be a JSON object`);
}

function functionResponse(
  message: ChatMessage,
  path: string,
  callNames: ReadonlyMap<string, string>,
): GeminiPart {
  const id = message.tool_call_id ?? undefined;
  const name = message.name || (id ? callNames.get(id) : undefined);
  if (!name) {
    throw new ApiInputError(
      `${path}.name: required when tool_call_id does not match an earlier assistant tool call`,
    );
  }
  const text = textOf(message.content);
  let response: Record<string, unknown> = { result: text };
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) response = parsed;
  } catch {
    // Not JSON: the text itself is the result.
  }
  return {
    functionResponse: { name: geminiFunctionName(name), response, ...(id ? { id } : {}) },
  };
}
