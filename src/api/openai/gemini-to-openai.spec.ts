import type { GeminiResponse } from '../gemini/gemini.types';
import { finishReason, toChatCompletion } from './gemini-to-openai';

const options = {
  id: 'chatcmpl-1',
  created: 1_700_000_000,
  model: 'gemini-2.5-pro',
  includeReasoning: true,
};

describe('finishReason', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['OTHER', 'stop'],
  ])('maps %s to %s', (gemini, openai) => {
    expect(finishReason(gemini, false)).toBe(openai);
  });

  it('reports tool_calls whenever the model called a tool', () => {
    expect(finishReason('STOP', true)).toBe('tool_calls');
  });

  it('is null while the candidate is unfinished', () => {
    expect(finishReason(undefined, false)).toBeNull();
  });
});

describe('toChatCompletion', () => {
  const answer: GeminiResponse = {
    candidates: [
      {
        index: 0,
        finishReason: 'STOP',
        content: {
          role: 'model',
          parts: [{ text: 'Let me think. ', thought: true }, { text: 'Hello' }, { text: ' world' }],
        },
      },
    ],
    usageMetadata: {
      promptTokenCount: 10,
      candidatesTokenCount: 5,
      thoughtsTokenCount: 7,
      totalTokenCount: 22,
    },
  };

  it('answers in the chat.completion shape with reasoning and usage', () => {
    expect(toChatCompletion(answer, options)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemini-2.5-pro',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello world',
            reasoning_content: 'Let me think. ',
          },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 12,
        total_tokens: 22,
        completion_tokens_details: { reasoning_tokens: 7 },
      },
    });
  });

  it('leaves the thoughts out when reasoning is not returned', () => {
    const message = toChatCompletion(answer, { ...options, includeReasoning: false }).choices[0]
      .message;
    expect(message).toEqual({ role: 'assistant', content: 'Hello world' });
  });

  it('reports function calls as tool calls under the client names', () => {
    const completion = toChatCompletion(
      {
        candidates: [
          {
            finishReason: 'STOP',
            content: {
              parts: [
                { functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'fc-1' } },
                { functionCall: { name: 'safe_12345678', args: {} } },
              ],
            },
          },
        ],
      },
      { ...options, toolNames: new Map([['safe_12345678', '获取时间']]) },
    );
    const [choice] = completion.choices;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      {
        id: 'fc-1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
      {
        id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
        type: 'function',
        function: { name: '获取时间', arguments: '{}' },
      },
    ]);
  });

  it('gives one choice per candidate', () => {
    const completion = toChatCompletion(
      {
        candidates: [
          { index: 0, finishReason: 'STOP', content: { parts: [{ text: 'a' }] } },
          { index: 1, finishReason: 'MAX_TOKENS', content: { parts: [{ text: 'b' }] } },
        ],
      },
      options,
    );
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'a', 'stop'],
      [1, 'b', 'length'],
    ]);
  });

  it('answers a blocked prompt with an empty, filtered choice and zero usage', () => {
    const completion = toChatCompletion({ promptFeedback: { blockReason: 'SAFETY' } }, options);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' },
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});
