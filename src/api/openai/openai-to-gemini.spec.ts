import { DEFAULT_SAFETY_SETTINGS } from '../gemini/gemini-request';
import { applyVariant, parseModelVariant } from '../gemini/model-variant';
import { parseChatRequest } from './chat-request.schema';
import { applyThinkingOverride, toGeminiRequest } from './openai-to-gemini';

const strict = { compatibilityMode: false };

function convert(body: Record<string, unknown>, options = strict) {
  return toGeminiRequest(parseChatRequest({ model: 'gemini-2.5-pro', ...body }), options);
}

describe('tools', () => {
  const messages = [{ role: 'user', content: 'hi' }];

  it('declares functions with cleaned parameter schemas', () => {
    const request = convert({
      messages,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather now',
            parameters: {
              type: 'object',
              additionalProperties: false,
              properties: { city: { type: 'string', default: 'Paris' } },
              required: ['city'],
            },
          },
        },
        {
          type: 'function',
          function: { name: 'now', parameters: { type: 'object', properties: {} } },
        },
      ],
    });
    expect(request.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather now',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
          { name: 'now' },
        ],
      },
    ]);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [
      { type: 'function', function: { name: 'f' } },
      { mode: 'ANY', allowedFunctionNames: ['f'] },
    ],
  ])('maps tool_choice %j to %j', (toolChoice, config) => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    const request = convert({ messages, tools, tool_choice: toolChoice });
    expect(request.toolConfig).toEqual({ functionCallingConfig: config });
  });

  it('sends no tool config without tools', () => {
    const request = convert({ messages, tool_choice: 'none' });
    expect(request.tools).toBeUndefined();
    expect(request.toolConfig).toBeUndefined();
  });
});

describe('generation settings', () => {
  const messages = [{ role: 'user', content: 'hi' }];

  it('maps the sampling settings', () => {
    const request = convert({
      messages,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 100,
      max_tokens: 100,
      stop: 'END',
      n: 2,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
    expect(request.generationConfig).toEqual({
      temperature: 0.7,
      topP: 0.9,
      topK: 64,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
    });
  });

  it('caps the output tokens at 65535 and prefers max_completion_tokens', () => {
    expect(convert({ messages, max_tokens: 1_000_000 }).generationConfig).toEqual({
      maxOutputTokens: 65535,
    });
    expect(
      convert({ messages, max_tokens: 10, max_completion_tokens: 20 }).generationConfig,
    ).toEqual({ maxOutputTokens: 20 });
  });

  it('asks for JSON for json_object and json_schema formats', () => {
    expect(
      convert({ messages, response_format: { type: 'json_object' } }).generationConfig,
    ).toEqual({
      responseMimeType: 'application/json',
    });
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' } },
      additionalProperties: false,
    };
    expect(
      convert({
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
      }).generationConfig,
    ).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(
      convert({ messages, response_format: { type: 'text' } }).generationConfig,
    ).toBeUndefined();
  });

  it('always sends the default safety settings', () => {
    expect(convert({ messages }).safetySettings).toEqual(DEFAULT_SAFETY_SETTINGS);
  });
});

describe('thinking override', () => {
  const messages = [{ role: 'user', content: 'hi' }];
  const google = { thinking_config: { thinking_budget: 0, include_thoughts: false } };

  it.each([
    ['extra_body.google', { extra_body: { google } }],
    ['a top-level google field', { google }],
  ])('reads the thinking config from %s', (_where, fields) => {
    expect(convert({ messages, ...fields }).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 0, includeThoughts: false },
    });
  });

  it('wins over the model suffix', () => {
    const chat = parseChatRequest({
      model: 'gemini-2.5-pro-maxthinking',
      messages,
      extra_body: { google },
    });
    const variant = parseModelVariant(chat.model);
    const expected = { thinkingBudget: 0, includeThoughts: false };
    const request = toGeminiRequest(chat, strict);
    expect(applyVariant(request, variant, 'openai').generationConfig?.thinkingConfig).toEqual(
      expected,
    );
    expect(
      applyThinkingOverride(applyVariant(request, variant, 'openai'), chat).generationConfig
        ?.thinkingConfig,
    ).toEqual(expected);
  });

  it('leaves the suffix in charge when the client sends no thinking config', () => {
    const chat = parseChatRequest({ model: 'gemini-2.5-flash-nothinking', messages });
    const request = applyThinkingOverride(
      applyVariant(toGeminiRequest(chat, strict), parseModelVariant(chat.model), 'openai'),
      chat,
    );
    expect(request.generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: 128,
      includeThoughts: false,
    });
  });
});
