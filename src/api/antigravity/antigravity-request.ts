import type { GeminiRequest } from '../gemini/gemini.types';

/** Client model names antigravity knows under another name (6.3 of the reference). */
const RENAMED: Record<string, string> = {
  'claude-sonnet-4-5-thinking': 'claude-sonnet-4-5',
  'claude-opus-4-5': 'claude-opus-4-5-thinking',
  'gemini-2.5-flash-thinking': 'gemini-2.5-flash',
};

/** The one upstream image model; every `…-image…` id is served by it. */
export const IMAGE_MODEL = 'gemini-3-pro-image';

const ASPECT_RATIOS = ['21x9', '16x9', '9x16', '4x3', '3x4', '1x1'];
const IMAGE_SIZES = ['4k', '2k'];
/** Thinking budget of antigravity's thinking models when the client set none. */
const DEFAULT_THINKING_BUDGET = 1024;

/** Image variants advertised for an image model: each aspect ratio, alone and with each size. */
export function imageVariants(model: string): string[] {
  const ratios = ASPECT_RATIOS.map((r) => `-${r}`);
  const sizes = IMAGE_SIZES.map((s) => `-${s}`);
  return [...ratios, ...sizes, ...ratios.flatMap((r) => sizes.map((s) => r + s))].map(
    (suffix) => `${model}${suffix}`,
  );
}

/**
 * The antigravity model and request for a requested model (the `prepare` of the antigravity
 * target); never mutates `request`:
 * - image models (`-image` in the name): model `gemini-3-pro-image`, `imageConfig` from the
 *   aspect-ratio (`-16x9` …) and size (`-4k`, `-2k`) suffixes, no system instruction or tools;
 * - dated names (`claude-sonnet-4-5-20250929`) lose the date, then RENAMED applies;
 * - a model named `-thinking` (or a `pro` model) thinks with a 1024-token budget unless the
 *   request sets its own thinking config or allows no more than 1024 output tokens; Claude
 *   models get no `topP`;
 * - function tools are called in `VALIDATED` mode unless the request chose a mode;
 * - safety settings are dropped: antigravity's request has none.
 */
export function toAntigravityCall(
  requested: string,
  request: GeminiRequest,
): { model: string; request: GeminiRequest } {
  const result: GeminiRequest = { ...request };
  delete result.safetySettings;
  if (requested.includes('-image')) return imageCall(requested, result);
  const undated = requested.replace(/-\d{8}$/, '');
  const model = RENAMED[undated] ?? undated;
  const config = { ...result.generationConfig };
  // The budget must stay below the answer's token limit (Claude refuses it otherwise, and
  // thinks with no less than 1024): a smaller limit answers without thinking.
  const roomToThink =
    config.maxOutputTokens === undefined || config.maxOutputTokens > DEFAULT_THINKING_BUDGET;
  const thinks = undated.includes('-thinking') || model.includes('pro');
  if (!config.thinkingConfig && thinks && roomToThink) {
    config.thinkingConfig = { includeThoughts: true, thinkingBudget: DEFAULT_THINKING_BUDGET };
  }
  if (model.startsWith('claude')) delete config.topP;
  if (Object.keys(config).length) result.generationConfig = config;
  if (result.tools?.some((tool) => tool.functionDeclarations?.length) && !result.toolConfig) {
    result.toolConfig = { functionCallingConfig: { mode: 'VALIDATED' } };
  }
  return { model, request: result };
}

function imageCall(requested: string, request: GeminiRequest) {
  const suffixes = requested.slice(requested.indexOf('-image') + '-image'.length).split('-');
  const ratio = ASPECT_RATIOS.find((r) => suffixes.includes(r));
  const size = IMAGE_SIZES.find((s) => suffixes.includes(s));
  const rest: GeminiRequest = { ...request };
  delete rest.systemInstruction;
  delete rest.tools;
  delete rest.toolConfig;
  const imageConfig: Record<string, string> = {};
  if (ratio) imageConfig.aspectRatio = ratio.replace('x', ':');
  if (size) imageConfig.imageSize = size.toUpperCase();
  const generationConfig = { ...rest.generationConfig };
  delete generationConfig.thinkingConfig;
  if (Object.keys(imageConfig).length) generationConfig.imageConfig = imageConfig;
  return { model: IMAGE_MODEL, request: { ...rest, generationConfig } };
}
