import type { GeminiPart, GeminiResponse } from '../gemini/gemini.types';
import { parseMessagesRequest } from './anthropic-request.schema';
import { AnthropicStreamConverter } from './anthropic-stream-converter';
import { anthropicToGemini } from './anthropic-to-gemini';

const chunk = (parts: GeminiPart[], extra: Record<string, unknown> = {}) =>
  ({ candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }] }) as GeminiResponse;
const converter = (toolNames?: Map<string, string>) =>
  new AnthropicStreamConverter({ id: 'msg_1', model: 'claude-x', toolNames, inputTokens: 5 });

describe('AnthropicStreamConverter', () => {
  it('streams thinking with its signature, then text, then the closing events', () => {
    const c = converter();
    const events = [
      ...c.start(),
      ...c.push(chunk([{ text: 'Let me ', thought: true }])),
      ...c.push(chunk([{ text: 'think.', thought: true, thoughtSignature: 'sig' }])),
      ...c.push(chunk([{ text: 'Hello' }])),
      ...c.push({
        ...chunk([{ text: ' world' }], { finishReason: 'STOP' }),
        usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 3, thoughtsTokenCount: 4 },
      }),
      ...c.finish(),
    ];
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[2]).toEqual({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'thinking', thinking: '', signature: '' },
    });
    expect(events[5]).toEqual({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'signature_delta', signature: 'sig' },
    });
    expect(events[11]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 7, output_tokens: 7 },
    });
    expect(c.message().content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig' },
      { type: 'text', text: 'Hello world' },
    ]);
  });

  it('sends a tool call as tool_use with its input as JSON, nulls dropped, name mapped back', () => {
    const c = converter(new Map([['weather_1234', '天气']]));
    const events = c.push(
      chunk([
        { functionCall: { name: 'weather_1234', args: { city: 'Paris', unit: null }, id: 'c1' } },
      ]),
    );
    c.finish();
    expect(events).toEqual([
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 'c1', name: '天气', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' },
      },
      { type: 'content_block_stop', index: 0 },
    ]);
    expect(c.message()).toMatchObject({
      stop_reason: 'tool_use',
      content: [{ type: 'tool_use', id: 'c1', name: '天气', input: { city: 'Paris' } }],
    });
  });

  it('puts the signature of a signed function call on a thinking block before it', () => {
    const c = converter();
    c.push(chunk([{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'sig' }]));
    c.finish();
    const [thinking, tool] = c.message().content;
    expect(thinking).toEqual({ type: 'thinking', thinking: '', signature: 'sig' });
    expect(tool).toMatchObject({ type: 'tool_use', name: 'f' });
    expect((tool as { id: string }).id).toMatch(/^toolu_/);
  });

  it('gives a signed call after shown thoughts its own signed block, so a replay signs the call', () => {
    const c = converter();
    c.push(chunk([{ text: 'Let me look.', thought: true }]));
    c.push(chunk([{ functionCall: { name: 'f', args: {}, id: 't1' }, thoughtSignature: 'sig' }]));
    c.finish();
    expect(c.message().content).toEqual([
      { type: 'thinking', thinking: 'Let me look.', signature: '' },
      { type: 'thinking', thinking: '', signature: 'sig' },
      { type: 'tool_use', id: 't1', name: 'f', input: {} },
    ]);
    const replayed = anthropicToGemini(
      parseMessagesRequest({
        model: 'gemini-3-pro-preview',
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: c.message().content },
        ],
      }),
      { signFunctionCalls: true, model: 'gemini-3-pro-preview' },
    );
    expect(replayed.contents[1].parts).toEqual([
      { functionCall: { name: 'f', args: {}, id: 't1' }, thoughtSignature: 'sig' },
    ]);
  });

  it('maps MAX_TOKENS to max_tokens and SAFETY to refusal; images become image blocks', () => {
    const long = converter();
    long.push(chunk([{ text: 'a' }], { finishReason: 'MAX_TOKENS' }));
    long.finish();
    expect(long.message().stop_reason).toBe('max_tokens');
    const blocked = converter();
    blocked.push({ promptFeedback: { blockReason: 'SAFETY' } });
    blocked.finish();
    expect(blocked.message().stop_reason).toBe('refusal');
    const image = converter();
    const events = image.push(chunk([{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }]));
    expect(events.map((e) => e.type)).toEqual(['content_block_start', 'content_block_stop']);
    image.finish();
    expect(image.message().content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
    ]);
  });
});
