import { ApiInputError } from '../gemini/api-input.errors';
import { SKIP_SIGNATURE } from '../openai/chat-messages';
import { parseCountTokensRequest, parseMessagesRequest } from './anthropic-request.schema';
import { anthropicToGemini, anthropicToolNames } from './anthropic-to-gemini';
import { estimateInputTokens } from './anthropic-tokens';

const options = { signFunctionCalls: false, model: 'gemini-2.5-pro' };
const convert = (body: Record<string, unknown>, opts = options) =>
  anthropicToGemini(parseMessagesRequest({ model: 'm', max_tokens: 100, ...body }), opts);

describe('anthropicToGemini', () => {
  it('maps system, turns, images and sampling settings', () => {
    const request = convert({
      system: [{ type: 'text', text: 'Be brief.' }],
      max_tokens: 100_000,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 100,
      stop_sequences: ['END'],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        { role: 'assistant', content: 'A square.' },
        { role: 'user', content: 'Sure?' },
      ],
    });
    expect(request.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(request.contents).toEqual([
      {
        role: 'user',
        parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
      },
      { role: 'model', parts: [{ text: 'A square.' }] },
      { role: 'user', parts: [{ text: 'Sure?' }] },
    ]);
    expect(request.generationConfig).toEqual({
      maxOutputTokens: 65_535,
      temperature: 0.5,
      topP: 0.9,
      topK: 64,
      stopSequences: ['END'],
    });
  });

  it('maps tools, tool_choice, tool_use and tool_result, renaming names Gemini refuses', () => {
    const body = {
      tools: [
        {
          name: 'get_weather',
          description: 'Weather of a city',
          input_schema: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
        },
        { name: '天气', input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"temp": 21}' },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    };
    const request = convert(body);
    const [declaration, renamed] = request.tools![0].functionDeclarations!;
    expect(declaration).toEqual({
      name: 'get_weather',
      description: 'Weather of a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    });
    expect(renamed.name).not.toBe('天气');
    expect(renamed.parameters).toBeUndefined();
    expect(request.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
    expect(request.contents[1].parts).toEqual([
      { functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'toolu_1' } },
    ]);
    expect(request.contents[2].parts).toEqual([
      { functionResponse: { name: 'get_weather', response: { temp: 21 }, id: 'toolu_1' } },
      { text: 'And tomorrow?' },
    ]);
    const names = anthropicToolNames(parseMessagesRequest({ model: 'm', max_tokens: 1, ...body }));
    expect(names.get(renamed.name)).toBe('天气');
  });

  it('sends an error tool result as an error and refuses a result without its call', () => {
    const request = convert({
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't', content: 'boom', is_error: true }],
        },
      ],
    });
    expect(request.contents[1].parts[0].functionResponse?.response).toEqual({ error: 'boom' });
    expect(() =>
      convert({
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x' }] }],
      }),
    ).toThrow('messages.0.content.0.tool_use_id: answers no earlier tool_use block');
  });

  it('maps thinking to a budget, and replays signed thinking with its signature', () => {
    const request = convert(
      {
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: [
          { role: 'user', content: 'Think.' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Hmm.', signature: 'sig-a' },
              { type: 'thinking', thinking: 'unsigned' },
              { type: 'text', text: 'Done.' },
              { type: 'thinking', thinking: '', signature: 'sig-b' },
              { type: 'tool_use', id: 't', name: 'f', input: {} },
            ],
          },
        ],
      },
      { signFunctionCalls: true, model: 'gemini-3-pro-preview' },
    );
    expect(request.generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: 2048,
      includeThoughts: true,
    });
    expect(request.contents[1].parts).toEqual([
      { text: 'Hmm.', thought: true, thoughtSignature: 'sig-a' },
      { text: 'Done.' },
      { functionCall: { name: 'f', args: {}, id: 't' }, thoughtSignature: 'sig-b' },
    ]);
    const off = convert({
      thinking: { type: 'disabled' },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(off.generationConfig?.thinkingConfig).toEqual({
      thinkingBudget: 128,
      includeThoughts: false,
    });
  });

  it('signs replayed tool calls for Gemini 3 when the client kept no signature', () => {
    const request = convert(
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
        ],
      },
      { signFunctionCalls: true, model: 'gemini-3-pro-preview' },
    );
    expect(request.contents[1].parts[0].thoughtSignature).toBe(SKIP_SIGNATURE);
  });

  it('refuses URL images and names bad fields', () => {
    expect(() =>
      convert({
        messages: [
          { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'http://x' } }] },
        ],
      }),
    ).toThrow('messages.0.content.0.source: only base64 images are supported');
    expect(() => parseMessagesRequest({ model: 'm', messages: [] })).toThrow(ApiInputError);
    expect(() => parseMessagesRequest({ model: 'm', messages: [] })).toThrow(
      'messages: must be a non-empty array; max_tokens: is required',
    );
  });
});

describe('estimateInputTokens', () => {
  it('counts text by characters / 4 and 300 per image', () => {
    const body = {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a'.repeat(40) },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
      ],
    };
    expect(estimateInputTokens(anthropicToGemini(parseCountTokensRequest(body), options))).toBe(
      310,
    );
  });
});
