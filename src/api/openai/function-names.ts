import { createHash } from 'node:crypto';
import type { ChatRequest } from './chat-request.schema';

/** Gemini's rule for function names: a letter or `_`, then letters, digits, `_`, `.`, `-`; ≤ 64. */
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const HASH_LENGTH = 8;

/**
 * The name a client's function is declared to Gemini under. A name Gemini accepts is kept as is.
 * Any other (e.g. `获取天气`, `my tool`, a 70-character name) becomes its allowed characters, with
 * each run of others replaced by `_`, truncated, then `_` and 8 hex digits of the original name's
 * SHA-256: deterministic, and distinct names stay distinct. The result cannot be decoded; map it
 * back with {@link functionNameMap}.
 */
export function geminiFunctionName(name: string): string {
  if (VALID_NAME.test(name)) return name;
  let safe = name.replace(/[^A-Za-z0-9_.-]+/g, '_');
  if (!/^[A-Za-z_]/.test(safe)) safe = `_${safe}`;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, HASH_LENGTH);
  return `${safe.slice(0, 64 - HASH_LENGTH - 1)}_${hash}`;
}

/**
 * Gemini name → client name, for every function a request mentions (its tools, its `tool_choice`
 * and the tool calls in its history) whose name {@link geminiFunctionName} changed. Pass it as
 * `toolNames` to `toChatCompletion` / `ChatStreamConverter` so tool calls come back under the
 * names the client declared.
 */
export function functionNameMap(chat: ChatRequest): Map<string, string> {
  const names = [
    ...(chat.tools ?? []).map((tool) => tool.function.name),
    ...chat.messages.flatMap((message) => (message.tool_calls ?? []).map((c) => c.function.name)),
  ];
  if (typeof chat.tool_choice === 'object' && chat.tool_choice) {
    names.push(chat.tool_choice.function.name);
  }
  const map = new Map<string, string>();
  for (const name of names) {
    const gemini = geminiFunctionName(name);
    if (gemini !== name) map.set(gemini, name);
  }
  return map;
}
