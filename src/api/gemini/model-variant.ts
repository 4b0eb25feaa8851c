import { baseModelName } from '../../credentials/rotation/model-key';
import { ApiInputError } from './api-input.errors';
import type { GeminiRequest, GeminiThinkingConfig, GeminiTool } from './gemini.types';

/** What an advertised model id asks for beyond its base model. */
export interface ModelVariant {
  /** The id exactly as the client sent it. */
  requested: string;
  /** The upstream model, every prefix and suffix stripped: `gemini-2.5-pro`. */
  base: string;
  /** `假流式/` ("fake streaming"): serve a stream from one non-streaming upstream call. */
  fakeStream: boolean;
  /** `流式抗截断/` ("streaming anti-truncation"): continue a stream cut before its end marker. */
  antiTruncation: boolean;
  /** `-maxthinking` → `max`, `-nothinking` → `none`, neither → undefined (model default). */
  thinking?: 'max' | 'none';
  /** `-search`: ground answers with the Google Search tool. */
  search: boolean;
}

const FAKE_STREAM = '假流式/';
const ANTI_TRUNCATION = '流式抗截断/';
const PREFIX = /^(models\/|假流式\/|流式抗截断\/)/;
const SUFFIX = /(-maxthinking|-nothinking|-search)$/;

/** Thinking budgets in tokens; `-maxthinking` is the most each model family accepts. */
const BUDGET_NONE = 128;
const BUDGET_MAX_FLASH = 24_576;
const BUDGET_MAX_PRO = 32_768;

/**
 * Reads an advertised id such as `models/假流式/gemini-2.5-flash-nothinking-search`. Suffixes come
 * in any order and may repeat; if both thinking suffixes appear, `-nothinking` wins.
 *
 * @throws ApiInputError for an id with no model left once its prefixes and suffixes are stripped.
 */
export function parseModelVariant(id: string): ModelVariant {
  let base = id.trim();
  let fakeStream = false;
  let antiTruncation = false;
  for (let prefix = PREFIX.exec(base); prefix; prefix = PREFIX.exec(base)) {
    antiTruncation ||= prefix[0] === ANTI_TRUNCATION;
    fakeStream ||= prefix[0] === FAKE_STREAM;
    base = base.slice(prefix[0].length);
  }
  const suffixes = new Set<string>();
  for (let suffix = SUFFIX.exec(base); suffix; suffix = SUFFIX.exec(base)) {
    suffixes.add(suffix[0]);
    base = base.slice(0, -suffix[0].length);
  }
  if (!base) throw new ApiInputError(`model: "${id}" does not name a model`);
  const thinking = suffixes.has('-nothinking')
    ? 'none'
    : suffixes.has('-maxthinking')
      ? 'max'
      : undefined;
  return {
    requested: id,
    base,
    fakeStream,
    antiTruncation,
    thinking,
    search: suffixes.has('-search'),
  };
}

/** The thinking config a variant's suffix asks for, or undefined when it has none. */
export function variantThinkingConfig(variant: ModelVariant): GeminiThinkingConfig | undefined {
  if (!variant.thinking) return undefined;
  const model = variant.base.toLowerCase();
  if (variant.thinking === 'none') {
    // Pro models cannot switch thinking off, so their (minimal) thoughts are still shown.
    return { thinkingBudget: BUDGET_NONE, includeThoughts: model.includes('pro') };
  }
  const max = model.includes('flash') ? BUDGET_MAX_FLASH : BUDGET_MAX_PRO;
  return { thinkingBudget: max, includeThoughts: true };
}

/**
 * Applies a variant's thinking budget and search tool to a request; returns a new request and never
 * mutates `request`.
 *
 * - Thinking: a `generationConfig.thinkingConfig` already on the request wins over the suffix, on
 *   both routes. On the native route it is the client's own; on the OpenAI route `toGeminiRequest`
 *   puts `extra_body.google.thinking_config` there, so call `toGeminiRequest` first, then this.
 * - Search: adds `{googleSearch: {}}` unless one is present. On the native route it is also skipped
 *   when the request declares functions; on the OpenAI route it is always added.
 */
export function applyVariant(
  request: GeminiRequest,
  variant: ModelVariant,
  route: 'openai' | 'native',
): GeminiRequest {
  const result: GeminiRequest = { ...request };
  const thinking = variantThinkingConfig(variant);
  if (thinking && !request.generationConfig?.thinkingConfig) {
    result.generationConfig = { ...request.generationConfig, thinkingConfig: thinking };
  }
  if (variant.search && wantsSearchTool(request.tools ?? [], route)) {
    result.tools = [...(request.tools ?? []), { googleSearch: {} }];
  }
  return result;
}

function wantsSearchTool(tools: GeminiTool[], route: 'openai' | 'native'): boolean {
  if (tools.some((tool) => tool.googleSearch)) return false;
  return route === 'openai' || !tools.some((tool) => tool.functionDeclarations?.length);
}

/**
 * Whether the model rejects a replayed function call without a thought signature (Gemini 3 and
 * later), so the gateway must sign calls whose signature the client could not keep.
 */
export function needsCallSignatures(model: string): boolean {
  return (Number(/^gemini-(\d+)/.exec(baseModelName(model))?.[1]) || 0) >= 3;
}
