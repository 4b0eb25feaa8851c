import { ApiInputError } from '../gemini/api-input.errors';
import { SKIP_SIGNATURE } from './chat-messages';
import { parseChatRequest } from './chat-request.schema';
import { geminiFunctionName } from './function-names';
import { SYSTEM_ONLY_PROMPT, toGeminiRequest } from './openai-to-gemini';

const strict = { compatibilityMode: false };
const compatible = { compatibilityMode: true };

/** The Gemini request for a chat body; the conversion of messages is what these tests watch. */
function convert(body: Record<string, unknown>, options = strict) {
  return toGeminiRequest(parseChatRequest({ model: 'gemini-2.5-pro', ...body }), options);
}

describe('system messages', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
    { role: 'user', content: 'Hi there' },
    { role: 'system', content: 'Now be verbose.' },
  ];

  it('become the system instruction when compatibility mode is off', () => {
    const request = convert({ messages });
    expect(request.systemInstruction).toEqual({
      parts: [{ text: 'Be brief.\n\nAnswer in French.' }],
    });
    expect(request.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi there' }, { text: 'Now be verbose.' }] },
    ]);
  });

  it('stay user turns, in place, in compatibility mode', () => {
    const request = convert(
      { messages: [messages[0], { role: 'assistant', content: 'ok' }, messages[2]] },
      compatible,
    );
    expect(request.systemInstruction).toBeUndefined();
    expect(request.contents).toEqual([
      { role: 'user', parts: [{ text: 'Be brief.' }] },
      { role: 'model', parts: [{ text: 'ok' }] },
      { role: 'user', parts: [{ text: 'Hi there' }] },
    ]);
  });

  it('alone still give Gemini a user turn to answer', () => {
    const request = convert({ messages: [{ role: 'system', content: 'Tell a joke.' }] });
    expect(request.systemInstruction).toEqual({ parts: [{ text: 'Tell a joke.' }] });
    expect(request.contents).toEqual([{ role: 'user', parts: [{ text: SYSTEM_ONLY_PROMPT }] }]);
  });
});

describe('conversation turns', () => {
  it('maps assistant to model and merges consecutive turns of one role', () => {
    const request = convert({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: 'c' },
      ],
    });
    expect(request.contents).toEqual([
      { role: 'user', parts: [{ text: 'a' }, { text: 'b' }] },
      { role: 'model', parts: [{ text: 'c' }] },
    ]);
  });

  it('merges a turn of hundreds of thousands of parts without overflowing the stack', () => {
    const parts = Array.from({ length: 300_000 }, () => ({ type: 'text', text: 'x' }));
    const request = convert({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'user', content: parts },
      ],
    });
    expect(request.contents).toHaveLength(1);
    expect(request.contents[0].parts).toHaveLength(300_001);
  });

  it('drops empty messages', () => {
    const request = convert({
      messages: [
        { role: 'user', content: 'question' },
        { role: 'assistant', content: '   ' },
        { role: 'assistant', content: null },
        { role: 'user', content: [{ type: 'text', text: '' }] },
      ],
    });
    expect(request.contents).toEqual([{ role: 'user', parts: [{ text: 'question' }] }]);
  });

  it('rejects a conversation in which every message is empty', () => {
    expect(() => convert({ messages: [{ role: 'user', content: ' ' }] })).toThrow(
      new ApiInputError('messages: every message is empty'),
    );
  });

  it('sends data-URI images inline', () => {
    const request = convert({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(request.contents[0].parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    ]);
  });

  it('rejects images given by URL', () => {
    const image = { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } };
    expect(() => convert({ messages: [{ role: 'user', content: [image] }] })).toThrow(
      new ApiInputError(
        'messages.0.content.0.image_url.url: only data: URIs are supported for images',
      ),
    );
  });
});

describe('tool round trip', () => {
  const call = {
    id: 'call_1',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
  };

  it('sends tool calls as function calls and results as function responses', () => {
    const request = convert({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [call, { id: 'call_2', function: { name: 'get_time', arguments: '' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: 'noon' },
      ],
    });
    expect(request.contents.slice(1)).toEqual([
      {
        role: 'model',
        parts: [
          { text: 'Checking.' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'call_1' } },
          { functionCall: { name: 'get_time', args: {}, id: 'call_2' } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 }, id: 'call_1' } },
          { functionResponse: { name: 'get_time', response: { result: 'noon' }, id: 'call_2' } },
        ],
      },
    ]);
  });

  it("prefers the tool message's own name and wraps non-object JSON", () => {
    const request = convert({
      messages: [
        { role: 'user', content: 'list' },
        { role: 'tool', name: 'lister', content: '[1,2]' },
      ],
    });
    expect(request.contents[0].parts[1].functionResponse).toEqual({
      name: 'lister',
      response: { result: '[1,2]' },
    });
  });

  it('rejects a tool result whose function cannot be named', () => {
    expect(() =>
      convert({ messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] }),
    ).toThrow(
      'messages.0.name: required when tool_call_id does not match an earlier assistant tool call',
    );
  });

  it('rejects tool call arguments that are not a JSON object', () => {
    const bad = { ...call, function: { name: 'f', arguments: '{oops' } };
    expect(() => convert({ messages: [{ role: 'assistant', tool_calls: [bad] }] })).toThrow(
      'messages.0.tool_calls.0.function.arguments: must be a JSON object',
    );
  });

  it('uses the Gemini-safe name of renamed functions throughout', () => {
    const name = '获取天气';
    const request = convert({
      messages: [
        { role: 'assistant', tool_calls: [{ ...call, function: { name, arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name } }],
      tool_choice: { type: 'function', function: { name } },
    });
    const safe = geminiFunctionName(name);
    expect(request.tools?.[0].functionDeclarations?.[0].name).toBe(safe);
    expect(request.contents[0].parts[0].functionCall?.name).toBe(safe);
    expect(request.contents[1].parts[0].functionResponse?.name).toBe(safe);
    expect(request.toolConfig?.functionCallingConfig?.allowedFunctionNames).toEqual([safe]);
  });

  it('signs replayed function calls for Gemini 3, which requires it', () => {
    const messages = [{ role: 'assistant', tool_calls: [call, { ...call, id: 'call_2' }] }];
    const gemini3 = toGeminiRequest(
      parseChatRequest({ model: '假流式/gemini-3-pro-preview-search', messages }),
      strict,
    );
    expect(gemini3.contents[0].parts.map((part) => part.thoughtSignature)).toEqual([
      SKIP_SIGNATURE,
      undefined,
    ]);
    expect(convert({ messages }).contents[0].parts[0]).not.toHaveProperty('thoughtSignature');
  });
});
