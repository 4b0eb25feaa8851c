import { baseModelName } from '../../credentials/rotation/model-key';

/** The Gemini models the Code Assist upstream serves. */
export const BASE_MODELS = [
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
] as const;

/** Suffix variants, combinable: thinking budget and Google Search grounding. */
export const MODEL_SUFFIXES = [
  '',
  '-maxthinking',
  '-nothinking',
  '-search',
  '-maxthinking-search',
  '-nothinking-search',
] as const;

/**
 * Prefix variants: `假流式/` ("fake streaming") answers a stream from one non-streaming call;
 * `流式抗截断/` ("streaming anti-truncation") continues a stream cut before its end.
 */
export const MODEL_PREFIXES = ['', '假流式/', '流式抗截断/'] as const;

/** Every advertised model id: each base model in every suffix and prefix variant. */
export const MODEL_IDS: readonly string[] = MODEL_PREFIXES.flatMap((prefix) =>
  BASE_MODELS.flatMap((base) => MODEL_SUFFIXES.map((suffix) => `${prefix}${base}${suffix}`)),
);

const KNOWN = new Set(MODEL_IDS);

/** `models/x` and `x` name the same model. */
export function modelIdOf(name: string): string {
  return name.replace(/^models\//, '');
}

export function isKnownModel(id: string): boolean {
  return KNOWN.has(id);
}

/** A model in the OpenAI list shape. */
export function openAiModel(id: string) {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'google' };
}

/** A model in the Gemini `models` shape. */
export function geminiModel(id: string) {
  return {
    name: `models/${id}`,
    baseModelId: baseModelName(id),
    version: '001',
    displayName: id,
    description: `${baseModelName(id)} through gcli2api`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
    temperature: 1,
    maxTemperature: 2,
    topP: 0.95,
    topK: 64,
  };
}
