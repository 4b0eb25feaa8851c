import { ApiInputError } from '../gemini/api-input.errors';
import { parseChatRequest } from './chat-request.schema';

const messages = [{ role: 'user', content: 'hello' }];

function problem(body: unknown): string {
  try {
    parseChatRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiInputError);
    return (err as Error).message;
  }
  throw new Error('expected the body to be rejected');
}

describe('chat request validation', () => {
  it('accepts a minimal request and keeps fields it does not know', () => {
    const chat = parseChatRequest({
      model: 'gemini-2.5-pro',
      messages,
      user: 'u1',
      logprobs: null,
    });
    expect(chat.messages).toEqual(messages);
    expect(chat.user).toBe('u1');
  });

  it('accepts null for optional fields, as many clients send', () => {
    expect(() =>
      parseChatRequest({
        model: 'm',
        messages: [{ role: 'assistant', content: null, tool_calls: null, name: null }],
        temperature: null,
        tools: null,
        tool_choice: null,
        stop: null,
        response_format: null,
        stream_options: null,
      }),
    ).not.toThrow();
  });

  it('accepts the full set of OpenAI features', () => {
    expect(() =>
      parseChatRequest({
        model: 'm',
        messages: [
          { role: 'developer', content: 'rules' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              {
                type: 'image_url',
                image_url: { url: 'data:image/png;base64,AAAA', detail: 'auto' },
              },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        ],
        stream: true,
        stream_options: { include_usage: true },
        temperature: 2,
        top_p: 0,
        max_tokens: 10,
        max_completion_tokens: 20,
        stop: ['a', 'b'],
        n: 8,
        seed: -3,
        presence_penalty: -2,
        frequency_penalty: 2,
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
        response_format: { type: 'json_schema', json_schema: { name: 's', schema: {} } },
        reasoning_effort: 'high',
        extra_body: {
          google: { thinking_config: { thinking_budget: 0, include_thoughts: false } },
        },
      }),
    ).not.toThrow();
  });

  it.each([
    [undefined, 'the request body must be a JSON object'],
    [{ messages }, 'model: must be a string'],
    [{ model: 'm' }, 'messages: must be a non-empty array'],
    [{ model: 'm', messages: [] }, 'messages: must be a non-empty array'],
    [
      { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
      'messages.0.role: must be one of system, developer, user, assistant, tool, function',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: 3 }] },
      'messages.0.content: must be a string, an array of content parts or null',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'audio' }] }] },
      'messages.0.content.0.type: must be a text or image_url content part',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] },
      'messages.0.content.0.image_url.url: must be a string',
    ],
    [{ model: 'm', messages, temperature: 2.5 }, 'temperature: must be between 0 and 2'],
    [{ model: 'm', messages, top_p: 1.5 }, 'top_p: must be between 0 and 1'],
    [{ model: 'm', messages, max_tokens: 0 }, 'max_tokens: must be positive'],
    [
      { model: 'm', messages, max_completion_tokens: 1.5 },
      'max_completion_tokens: must be an integer',
    ],
    [{ model: 'm', messages, n: 9 }, 'n: must be between 1 and 8'],
    [{ model: 'm', messages, presence_penalty: -3 }, 'presence_penalty: must be between -2 and 2'],
    [{ model: 'm', messages, stop: [1] }, 'stop.0: must be a string'],
    [
      { model: 'm', messages, stop: ['1', '2', '3', '4', '5', '6'] },
      'stop: must have at most 5 entries',
    ],
    [{ model: 'm', messages, tools: [{ type: 'retrieval' }] }, 'tools.0.type: must be "function"'],
    [
      { model: 'm', messages, tool_choice: 'always' },
      'tool_choice: must be auto, none, required or {type: "function", function: {name}}',
    ],
    [
      { model: 'm', messages, response_format: { type: 'yaml' } },
      'response_format.type: must be text, json_object or json_schema',
    ],
  ])('rejects %j naming the field and the rule', (body, message) => {
    expect(problem(body)).toContain(message);
  });

  it('reports several problems at once', () => {
    expect(problem({ model: 'm', messages, temperature: -1, top_p: 2 })).toBe(
      'temperature: must be between 0 and 2; top_p: must be between 0 and 1',
    );
  });
});
