import type { GeminiCandidate, GeminiResponse } from '../gemini/gemini.types';
import { ChatStreamConverter } from './gemini-to-openai';

const options = {
  id: 'chatcmpl-1',
  created: 1_700_000_000,
  model: '假流式/gemini-2.5-flash',
  includeReasoning: true,
};

/** One upstream event with a single candidate. */
function event(candidate: GeminiCandidate): GeminiResponse {
  return { candidates: [candidate] };
}

describe('ChatStreamConverter', () => {
  it('streams role first, then thoughts and text, then a finish chunk with usage', () => {
    const converter = new ChatStreamConverter(options);
    const chunks = [
      ...converter.push(
        event({ content: { role: 'model', parts: [{ text: 'Hmm', thought: true }] } }),
      ),
      ...converter.push(event({ content: { role: 'model', parts: [{ text: 'Hel' }] } })),
      ...converter.push({
        candidates: [{ content: { role: 'model', parts: [{ text: 'lo' }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
      }),
      ...converter.finish(),
    ];
    expect(chunks.map((chunk) => [chunk.choices[0].delta, chunk.choices[0].finish_reason])).toEqual(
      [
        [{ role: 'assistant', reasoning_content: 'Hmm' }, null],
        [{ content: 'Hel' }, null],
        [{ content: 'lo' }, null],
        [{}, 'stop'],
      ],
    );
    expect(
      chunks.every(
        (chunk) => chunk.id === 'chatcmpl-1' && chunk.object === 'chat.completion.chunk',
      ),
    ).toBe(true);
    expect(chunks.map((chunk) => chunk.usage)).toEqual([
      undefined,
      undefined,
      undefined,
      { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    ]);
    expect(chunks[0].model).toBe('假流式/gemini-2.5-flash');
  });

  it('keeps thoughts back when reasoning is not returned', () => {
    const converter = new ChatStreamConverter({ ...options, includeReasoning: false });
    expect(converter.push(event({ content: { parts: [{ text: 'Hmm', thought: true }] } }))).toEqual(
      [],
    );
    expect(
      converter.push(event({ content: { parts: [{ text: 'Hi' }] } }))[0].choices[0].delta,
    ).toEqual({
      role: 'assistant',
      content: 'Hi',
    });
  });

  it('numbers tool calls across events and finishes with tool_calls', () => {
    const converter = new ChatStreamConverter({
      ...options,
      toolNames: new Map([['safe_1', '工具']]),
    });
    const first = converter.push(
      event({
        content: {
          parts: [
            { functionCall: { name: 'a', args: { x: 1 }, id: 'up-1' } },
            { functionCall: { name: 'safe_1' } },
          ],
        },
      }),
    );
    const second = converter.push(
      event({
        content: { parts: [{ functionCall: { name: 'c', args: {} } }] },
        finishReason: 'STOP',
      }),
    );
    expect(first[0].choices[0].delta).toEqual({
      role: 'assistant',
      tool_calls: [
        { index: 0, id: 'up-1', type: 'function', function: { name: 'a', arguments: '{"x":1}' } },
        {
          index: 1,
          id: expect.stringMatching(/^call_/),
          type: 'function',
          function: { name: '工具', arguments: '{}' },
        },
      ],
    });
    expect(second[0].choices[0].delta.tool_calls?.map((call) => call.index)).toEqual([2]);
    expect(converter.finish()[0].choices[0].finish_reason).toBe('tool_calls');
  });

  it('sends nothing for events without content, such as a final usage-only event', () => {
    const converter = new ChatStreamConverter(options);
    expect(converter.push({ usageMetadata: { totalTokenCount: 1 } })).toEqual([]);
    expect(
      converter.push(event({ content: { parts: [{ text: '' }] }, finishReason: 'MAX_TOKENS' })),
    ).toEqual([]);
    expect(converter.finish()).toEqual([
      {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model: '假流式/gemini-2.5-flash',
        choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 1 },
      },
    ]);
  });

  it('finishes every choice and puts usage on the last chunk only', () => {
    const converter = new ChatStreamConverter(options);
    converter.push({
      candidates: [
        { index: 1, content: { parts: [{ text: 'b' }] }, finishReason: 'STOP' },
        { index: 0, content: { parts: [{ text: 'a' }] }, finishReason: 'SAFETY' },
      ],
    });
    const final = converter.finish();
    expect(
      final.map((chunk) => [
        chunk.choices[0].index,
        chunk.choices[0].finish_reason,
        chunk.usage !== undefined,
      ]),
    ).toEqual([
      [0, 'content_filter', false],
      [1, 'stop', true],
    ]);
  });

  it('reports a blocked prompt as content_filter', () => {
    const converter = new ChatStreamConverter(options);
    converter.push({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } });
    expect(converter.finish()[0].choices[0].finish_reason).toBe('content_filter');
  });

  it('finishes only once', () => {
    const converter = new ChatStreamConverter(options);
    expect(converter.finish()).toHaveLength(1);
    expect(converter.finish()).toEqual([]);
  });
});
