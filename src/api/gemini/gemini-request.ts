import { ApiInputError } from './api-input.errors';
import { isRecord } from './json-object';
import type {
  GeminiGenerationConfig,
  GeminiRequest,
  GeminiResponse,
  GeminiSafetySetting,
} from './gemini.types';

/** The most output tokens Code Assist accepts for one answer. */
export const MAX_OUTPUT_TOKENS = 65_535;
/** The largest `topK` the Gemini models accept. */
export const MAX_TOP_K = 64;
/** The most candidates one request may ask for (OpenAI's `n` has the same bound). */
export const MAX_CANDIDATES = 8;

const NO_BLOCKING = [
  'HARM_CATEGORY_HARASSMENT',
  'HARM_CATEGORY_HATE_SPEECH',
  'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_CIVIC_INTEGRITY',
];

/** Every request is sent with filtering off (`BLOCK_NONE`) unless a native client asks otherwise. */
export const DEFAULT_SAFETY_SETTINGS: readonly Readonly<GeminiSafetySetting>[] = NO_BLOCKING.map(
  (category) => ({ category, threshold: 'BLOCK_NONE' }),
);

/** Top-level fields clients may send in proto snake_case; Code Assist gets them in camelCase. */
const CAMEL_CASE: Record<string, string> = {
  system_instruction: 'systemInstruction',
  generation_config: 'generationConfig',
  safety_settings: 'safetySettings',
  tool_config: 'toolConfig',
};

/**
 * Validates a native `generateContent` body and makes it acceptable to Code Assist: drops `model`
 * (the envelope names the model), caps `generationConfig.maxOutputTokens` at 65535 and `topK` at
 * 64, refuses a `candidateCount` outside 1–8 (each candidate is a whole answer generated on the
 * credential's quota), and lays the client's `safetySettings` over {@link DEFAULT_SAFETY_SETTINGS} (the client's
 * threshold wins per category). Everything else passes through untouched.
 *
 * @throws ApiInputError when the body is not an object, `contents` is not a non-empty array of
 *   `{parts: [...]}` turns, `tools` is not an array of objects, or `generationConfig` /
 *   `safetySettings` have the wrong type.
 */
export function prepareNativeRequest(body: unknown): GeminiRequest {
  if (!isRecord(body)) throw new ApiInputError('body: must be a JSON object');
  const request: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'model') request[CAMEL_CASE[key] ?? key] = value;
  }
  const { contents, generationConfig, safetySettings } = request;
  if (!Array.isArray(contents) || contents.length === 0) {
    throw new ApiInputError('contents: must be a non-empty array');
  }
  contents.forEach((content, i) => {
    if (!isRecord(content) || !Array.isArray(content.parts)) {
      throw new ApiInputError(`contents.${i}.parts: must be an array`);
    }
  });
  // null is "no tools", as in Google's own JSON.
  if (request.tools !== undefined && request.tools !== null) {
    if (!Array.isArray(request.tools)) throw new ApiInputError('tools: must be an array');
    request.tools.forEach((tool, i) => {
      if (!isRecord(tool)) throw new ApiInputError(`tools.${i}: must be an object`);
    });
  }
  if (generationConfig !== undefined) {
    if (!isRecord(generationConfig)) throw new ApiInputError('generationConfig: must be an object');
    request.generationConfig = capGenerationConfig(generationConfig);
  }
  request.safetySettings = mergeSafetySettings(safetySettings);
  return request as GeminiRequest;
}

function capGenerationConfig(config: GeminiGenerationConfig): GeminiGenerationConfig {
  for (const key of ['candidateCount', 'candidate_count']) {
    const count = (config as Record<string, unknown>)[key];
    const valid = Number.isInteger(count) && Number(count) >= 1 && Number(count) <= MAX_CANDIDATES;
    if (count !== undefined && !valid) {
      throw new ApiInputError(`generationConfig.${key}: must be between 1 and ${MAX_CANDIDATES}`);
    }
  }
  const capped = { ...config };
  if (typeof capped.maxOutputTokens === 'number') {
    capped.maxOutputTokens = Math.min(capped.maxOutputTokens, MAX_OUTPUT_TOKENS);
  }
  if (typeof capped.topK === 'number') capped.topK = Math.min(capped.topK, MAX_TOP_K);
  return capped;
}

function mergeSafetySettings(client: unknown): GeminiSafetySetting[] {
  if (client !== undefined && !Array.isArray(client)) {
    throw new ApiInputError('safetySettings: must be an array');
  }
  const byCategory = new Map<string, GeminiSafetySetting>();
  for (const setting of DEFAULT_SAFETY_SETTINGS) byCategory.set(setting.category, { ...setting });
  (client ?? []).forEach((setting: unknown, i) => {
    if (!isRecord(setting) || typeof setting.category !== 'string') {
      throw new ApiInputError(`safetySettings.${i}: must be an object with a category`);
    }
    byCategory.set(setting.category, setting as GeminiSafetySetting);
  });
  return [...byCategory.values()];
}

/** The response without the model's thought parts (for `return_thoughts_to_frontend` = false). */
export function withoutThoughts(response: GeminiResponse): GeminiResponse {
  if (!response.candidates) return response;
  const candidates = response.candidates.map((candidate) =>
    candidate.content?.parts
      ? {
          ...candidate,
          content: {
            ...candidate.content,
            parts: candidate.content.parts.filter((part) => !part.thought),
          },
        }
      : candidate,
  );
  return { ...response, candidates };
}

/**
 * A local token estimate for `countTokens`: a quarter of the characters of each text part, rounded
 * up, at least 1 per text part, over `contents` and `systemInstruction` (or those of a wrapping
 * `generateContentRequest`). Other parts count 0; a body without text counts 0.
 */
export function estimateTokens(body: unknown): number {
  if (!isRecord(body)) return 0;
  const source =
    body.contents === undefined && isRecord(body.generateContentRequest)
      ? body.generateContentRequest
      : body;
  const turns = [
    ...(Array.isArray(source.contents) ? source.contents : []),
    source.systemInstruction ?? source.system_instruction,
  ];
  let tokens = 0;
  for (const turn of turns) {
    if (!isRecord(turn) || !Array.isArray(turn.parts)) continue;
    for (const part of turn.parts) {
      if (isRecord(part) && typeof part.text === 'string') {
        tokens += Math.max(1, Math.ceil(codePoints(part.text) / 4));
      }
    }
  }
  return tokens;
}

/** The code points of `text`, counted without building an array of them (megabytes of text). */
function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point in two units.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
