import { ApiInputError } from '../gemini/api-input.errors';
import { needsCallSignatures } from '../gemini/model-variant';
import { DEFAULT_SAFETY_SETTINGS, MAX_OUTPUT_TOKENS, MAX_TOP_K } from '../gemini/gemini-request';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerationConfig,
  GeminiRequest,
  GeminiThinkingConfig,
  GeminiToolConfig,
} from '../gemini/gemini.types';
import { toContents } from './chat-messages';
import type { ChatRequest, ChatTool } from './chat-request.schema';
import { geminiFunctionName } from './function-names';
import { toGeminiSchema } from './gemini-schema';
import { SchemaBudget } from './schema-budget';

/** Sent as the only user turn when a client sends nothing but system messages. */
export const SYSTEM_ONLY_PROMPT = '请根据系统指令回答。'; // "Please answer following the system instruction."

/** Options of {@link toGeminiRequest}. */
export interface ToGeminiOptions {
  /** The `compatibility_mode_enabled` setting: system messages are sent as user turns. */
  compatibilityMode: boolean;
}

/**
 * An OpenAI chat request as a Gemini request (the `request` of the Code Assist envelope): turns
 * (see `toContents`), system instruction, generation settings, tools and tool choice, the default
 * safety settings, and the client's `google.thinking_config` (see {@link applyThinkingOverride}).
 * Function names are declared under {@link geminiFunctionName}. The model variant is not applied
 * here: call `applyVariant(request, variant, 'openai')` on the result.
 *
 * @throws ApiInputError when no message has content, a schema passes `SCHEMA_LIMITS` (all the
 *   schemas of the request share one budget), or for the errors of `toContents`.
 */
export function toGeminiRequest(chat: ChatRequest, options: ToGeminiOptions): GeminiRequest {
  const { contents, system } = toContents(chat.messages, {
    compatibilityMode: options.compatibilityMode,
    signFunctionCalls: needsCallSignatures(chat.model),
  });
  if (contents.length === 0) {
    if (system.length === 0) throw new ApiInputError('messages: every message is empty');
    contents.push({ role: 'user', parts: [{ text: SYSTEM_ONLY_PROMPT }] });
  }
  const request: GeminiRequest = {
    contents,
    safetySettings: DEFAULT_SAFETY_SETTINGS.map((setting) => ({ ...setting })),
  };
  if (system.length) request.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  const budget = new SchemaBudget();
  const generationConfig = toGenerationConfig(chat, budget);
  if (Object.keys(generationConfig).length) request.generationConfig = generationConfig;
  const declarations = (chat.tools ?? []).map((tool, i) => toDeclaration(tool, i, budget));
  if (declarations.length) {
    request.tools = [{ functionDeclarations: declarations }];
    if (chat.tool_choice) request.toolConfig = toToolConfig(chat.tool_choice);
  }
  return applyThinkingOverride(request, chat);
}

/**
 * Sets `generationConfig.thinkingConfig` from `extra_body.google.thinking_config` (or a top-level
 * `google.thinking_config`, where the OpenAI SDKs put `extra_body`), replacing any config there;
 * returns `request` itself when the client sent none. `toGeminiRequest` already calls it, and
 * `applyVariant` keeps an existing thinking config, so the client's wins over the model suffix
 * whichever of the two runs last; calling it again is harmless.
 */
export function applyThinkingOverride(request: GeminiRequest, chat: ChatRequest): GeminiRequest {
  const config = chat.extra_body?.google?.thinking_config ?? chat.google?.thinking_config;
  const thinking: GeminiThinkingConfig = {};
  if (config?.thinking_budget != null) thinking.thinkingBudget = config.thinking_budget;
  if (config?.include_thoughts != null) thinking.includeThoughts = config.include_thoughts;
  if (config?.thinking_level != null) thinking.thinkingLevel = config.thinking_level;
  if (Object.keys(thinking).length === 0) return request;
  return {
    ...request,
    generationConfig: { ...request.generationConfig, thinkingConfig: thinking },
  };
}

function toGenerationConfig(chat: ChatRequest, budget: SchemaBudget): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const maxTokens = chat.max_completion_tokens ?? chat.max_tokens;
  if (chat.temperature != null) config.temperature = chat.temperature;
  if (chat.top_p != null) config.topP = chat.top_p;
  if (chat.top_k != null) config.topK = Math.min(chat.top_k, MAX_TOP_K);
  if (maxTokens != null) config.maxOutputTokens = Math.min(maxTokens, MAX_OUTPUT_TOKENS);
  if (chat.stop != null)
    config.stopSequences = typeof chat.stop === 'string' ? [chat.stop] : chat.stop;
  if (chat.n != null) config.candidateCount = chat.n;
  if (chat.seed != null) config.seed = chat.seed;
  if (chat.presence_penalty != null) config.presencePenalty = chat.presence_penalty;
  if (chat.frequency_penalty != null) config.frequencyPenalty = chat.frequency_penalty;
  const format = chat.response_format;
  if (format?.type === 'json_object' || format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const schema = format.json_schema?.schema;
    if (format.type === 'json_schema' && schema) {
      const path = 'response_format.json_schema.schema';
      config.responseSchema = toGeminiSchema(schema, { path, budget });
    }
  }
  return config;
}

function toDeclaration(tool: ChatTool, i: number, budget: SchemaBudget): GeminiFunctionDeclaration {
  const { name, description, parameters } = tool.function;
  const declaration: GeminiFunctionDeclaration = { name: geminiFunctionName(name) };
  if (description) declaration.description = description;
  const path = `tools.${i}.function.parameters`;
  const schema = parameters ? toGeminiSchema(parameters, { path, budget }) : undefined;
  // Gemini rejects an object schema without properties: a function without arguments has none.
  if (schema?.properties) declaration.parameters = schema;
  return declaration;
}

function toToolConfig(choice: NonNullable<ChatRequest['tool_choice']>): GeminiToolConfig {
  if (typeof choice === 'object') {
    const allowedFunctionNames = [geminiFunctionName(choice.function.name)];
    return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames } };
  }
  const mode = ({ auto: 'AUTO', none: 'NONE', required: 'ANY' } as const)[choice];
  return { functionCallingConfig: { mode } };
}
