import { ApiInputError } from '../gemini/api-input.errors';
import { DEFAULT_SAFETY_SETTINGS, MAX_OUTPUT_TOKENS, MAX_TOP_K } from '../gemini/gemini-request';
import type {
  GeminiContent,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiRequest,
  GeminiToolConfig,
} from '../gemini/gemini.types';
import { isRecord } from '../gemini/json-object';
import { SKIP_SIGNATURE } from '../openai/chat-messages';
import { geminiFunctionName } from '../openai/function-names';
import { toGeminiSchema } from '../openai/gemini-schema';
import type {
  AnthropicBlock,
  AnthropicMessage,
  CountTokensRequest,
  MessagesRequest,
} from './anthropic-request.schema';

/** Options of {@link anthropicToGemini}. */
export interface AnthropicToGeminiOptions {
  /**
   * Give replayed tool calls without a signature Gemini's placeholder one: Gemini 3 rejects a
   * function call in the history without a thought signature.
   */
  signFunctionCalls: boolean;
  /** The upstream model: pro models cannot switch thinking off, only down to 128 tokens. */
  model: string;
}

/**
 * An Anthropic Messages request as a Gemini request: `system` → system instruction; user and
 * assistant turns → `user` / `model` turns (text, base64 images as inline data, `tool_use` →
 * `functionCall`, `tool_result` → `functionResponse`, signed `thinking` blocks → thought parts
 * with their signature); `max_tokens`, `temperature`, `top_p`, `top_k`, `stop_sequences` → the
 * generation config; tools (input schemas through `toGeminiSchema`) and `tool_choice`;
 * `thinking` → thinking budget. Function names Gemini would refuse are renamed as on the OpenAI
 * route; map them back with {@link anthropicToolNames}.
 *
 * @throws ApiInputError for a URL image, or a `tool_result` answering no earlier `tool_use`.
 */
export function anthropicToGemini(
  req: MessagesRequest | CountTokensRequest,
  options: AnthropicToGeminiOptions,
): GeminiRequest {
  const request: GeminiRequest = {
    contents: toContents(req.messages, options.signFunctionCalls),
    safetySettings: DEFAULT_SAFETY_SETTINGS.map((setting) => ({ ...setting })),
  };
  const system =
    typeof req.system === 'string' ? req.system : req.system?.map((b) => b.text).join('\n\n');
  if (system?.trim()) request.systemInstruction = { parts: [{ text: system }] };
  const config = generationConfig(req, options.model);
  if (Object.keys(config).length) request.generationConfig = config;
  // Anthropic's server tools (web search, code execution, …) run at Anthropic: Gemini has none.
  const clientTools = (req.tools ?? []).filter((tool) => !tool.type || tool.type === 'custom');
  const declarations = clientTools.map((tool) => {
    const schema = tool.input_schema ? toGeminiSchema(tool.input_schema) : undefined;
    return {
      name: geminiFunctionName(tool.name),
      ...(tool.description ? { description: tool.description } : {}),
      // Gemini rejects an object schema without properties: a tool without arguments has none.
      ...(schema?.properties ? { parameters: schema } : {}),
    };
  });
  if (declarations.length) {
    request.tools = [{ functionDeclarations: declarations }];
    const toolConfig = toToolConfig(req.tool_choice);
    if (toolConfig) request.toolConfig = toolConfig;
  }
  return request;
}

/**
 * Gemini name → client name for every tool a request names (its tools and the `tool_use`
 * blocks of its history) that {@link anthropicToGemini} renamed.
 */
export function anthropicToolNames(req: MessagesRequest | CountTokensRequest): Map<string, string> {
  const names = [
    ...(req.tools ?? []).map((tool) => tool.name),
    ...req.messages.flatMap((m) =>
      typeof m.content === 'string'
        ? []
        : m.content.flatMap((b) => (b.type === 'tool_use' ? [b.name] : [])),
    ),
  ];
  if (req.tool_choice?.type === 'tool') names.push(req.tool_choice.name);
  const map = new Map<string, string>();
  for (const name of names)
    if (geminiFunctionName(name) !== name) map.set(geminiFunctionName(name), name);
  return map;
}

function generationConfig(
  req: Partial<MessagesRequest> & CountTokensRequest,
  model: string,
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (req.max_tokens != null) config.maxOutputTokens = Math.min(req.max_tokens, MAX_OUTPUT_TOKENS);
  if (req.temperature != null) config.temperature = req.temperature;
  if (req.top_p != null) config.topP = req.top_p;
  if (req.top_k != null) config.topK = Math.min(req.top_k, MAX_TOP_K);
  if (req.stop_sequences?.length) config.stopSequences = req.stop_sequences;
  if (req.thinking?.type === 'enabled') {
    config.thinkingConfig = { thinkingBudget: req.thinking.budget_tokens, includeThoughts: true };
  } else if (req.thinking?.type === 'adaptive' || req.thinking?.type === 'between_tools') {
    // The model picks its own budget.
    config.thinkingConfig = { includeThoughts: req.thinking.display !== 'omitted' };
  } else if (req.thinking?.type === 'disabled') {
    const lowest = model.toLowerCase().includes('pro') ? 128 : 0;
    config.thinkingConfig = { thinkingBudget: lowest, includeThoughts: false };
  }
  return config;
}

function toToolConfig(choice: MessagesRequest['tool_choice']): GeminiToolConfig | undefined {
  if (!choice || choice.type === 'auto') return undefined;
  if (choice.type === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice.type === 'any') return { functionCallingConfig: { mode: 'ANY' } };
  const allowedFunctionNames = [geminiFunctionName(choice.name)];
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames } };
}

function toContents(messages: AnthropicMessage[], signFunctionCalls: boolean): GeminiContent[] {
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();
  messages.forEach((message, i) => {
    const role = message.role === 'assistant' ? 'model' : 'user';
    const blocks: AnthropicBlock[] =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : message.content;
    const parts = toParts(blocks, `messages.${i}.content`, toolNames);
    if (role === 'model' && signFunctionCalls) signFirstCall(parts);
    if (parts.length === 0) return;
    const last = contents.at(-1);
    // Gemini wants turns to alternate: consecutive messages of one role become one turn.
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });
  return contents;
}

function toParts(blocks: AnthropicBlock[], path: string, toolNames: Map<string, string>) {
  const parts: GeminiPart[] = [];
  // The signature of an empty thinking block belongs to the part after it (a function call).
  let carried: string | undefined;
  const push = (part: GeminiPart) => {
    if (carried) part.thoughtSignature = carried;
    carried = undefined;
    parts.push(part);
  };
  blocks.forEach((block, j) => {
    const at = `${path}.${j}`;
    switch (block.type) {
      case 'text':
        if (block.text) push({ text: block.text });
        return;
      case 'image':
        return push({ inlineData: inlineImage(block, at) });
      case 'thinking':
        // Unsigned thoughts cannot be replayed to Gemini; a client's own notes are dropped.
        if (!block.signature) return;
        if (!block.thinking) carried = block.signature;
        else parts.push({ text: block.thinking, thought: true, thoughtSignature: block.signature });
        return;
      case 'tool_use':
        toolNames.set(block.id, block.name);
        return push({
          functionCall: { name: geminiFunctionName(block.name), args: block.input, id: block.id },
        });
      case 'tool_result':
        return toolResult(block, at, toolNames).forEach((part) => parts.push(part));
      default:
        // redacted_thinking and documents have no Gemini form.
        return;
    }
  });
  return parts;
}

function signFirstCall(parts: GeminiPart[]) {
  const first = parts.find((part) => part.functionCall);
  if (first && !parts.some((part) => part.thoughtSignature))
    first.thoughtSignature = SKIP_SIGNATURE;
}

function inlineImage(block: Extract<AnthropicBlock, { type: 'image' }>, path: string) {
  if (block.source.type !== 'base64') {
    throw new ApiInputError(`${path}.source: only base64 images are supported`);
  }
  return { mimeType: block.source.media_type, data: block.source.data };
}

function toolResult(
  block: Extract<AnthropicBlock, { type: 'tool_result' }>,
  path: string,
  toolNames: ReadonlyMap<string, string>,
): GeminiPart[] {
  const name = toolNames.get(block.tool_use_id);
  if (!name) {
    throw new ApiInputError(`${path}.tool_use_id: answers no earlier tool_use block`);
  }
  const content =
    typeof block.content === 'string'
      ? [{ type: 'text' as const, text: block.content }]
      : (block.content ?? []);
  const text = content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
  let response: Record<string, unknown> = block.is_error ? { error: text } : { result: text };
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) && !block.is_error) response = parsed;
  } catch {
    // Not JSON: the text itself is the result.
  }
  const images = content.flatMap((c, k) =>
    c.type === 'image' ? [{ inlineData: inlineImage(c, `${path}.content.${k}`) }] : [],
  );
  return [
    { functionResponse: { name: geminiFunctionName(name), response, id: block.tool_use_id } },
    ...images,
  ];
}
