import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { CONTINUE_PROMPT, MARKER_INSTRUCTION } from '../../src/api/gemini/anti-truncation';
import { requestOf, streamReply } from '../support/fake-code-assist';
import { API_KEY, type ModelGateway, startModelGateway } from './support/model-gateway';

describe('streaming anti-truncation (流式抗截断/ models)', () => {
  let g: ModelGateway;
  let openai: OpenAI;

  beforeAll(async () => {
    g = await startModelGateway(2);
    openai = new OpenAI({ apiKey: API_KEY, baseURL: `${g.app.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => g.close());
  beforeEach(() => g.assist.reset());

  it('advertises a 流式抗截断/ twin of every model', async () => {
    const ids = (await openai.models.list()).data.map((m) => m.id);
    expect(ids).toHaveLength(72);
    expect(ids).toContain('流式抗截断/gemini-2.5-pro-maxthinking-search');
  });

  it('continues a stream cut short and one the upstream broke off, hiding the marker', async () => {
    g.assist.script(
      streamReply(['Once upon a time, '], { finishReason: 'MAX_TOKENS' }),
      streamReply(['there was ', 'never sent'], { dropAfter: 1 }),
      streamReply(['a gateway.', '[do', 'ne]']),
    );
    const stream = await openai.chat.completions.create({
      model: '流式抗截断/gemini-2.5-pro',
      stream: true,
      messages: [
        { role: 'system', content: 'Tell stories.' },
        { role: 'user', content: 'A story for a 5 years old, please.' },
      ],
    });
    let text = '';
    const reasons: Array<string | null> = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      reasons.push(chunk.choices[0]?.finish_reason ?? null);
    }
    expect(text).toBe('Once upon a time, there was a gateway.');
    expect(reasons.filter(Boolean)).toEqual(['stop']);
    const calls = g.assist.calls();
    expect(calls.map((c) => c.route)).toEqual(['stream', 'stream', 'stream']);
    const [first, , third] = calls.map(requestOf);
    // The user's text goes out untouched; the marker is asked for in the system instruction.
    expect(JSON.stringify(first.contents)).toContain('A story for a 5 years old, please.');
    expect(first.systemInstruction?.parts.at(-1)).toEqual({ text: MARKER_INSTRUCTION });
    // Each continuation is the original conversation plus one model turn with all said so far.
    expect(third.contents).toEqual([
      ...first.contents,
      { role: 'model', parts: [{ text: 'Once upon a time, there was ' }] },
      { role: 'user', parts: [{ text: CONTINUE_PROMPT }] },
    ]);
  });

  it('gives up after anti_truncation_max_attempts continuations', async () => {
    await g.configure({ anti_truncation_max_attempts: 1 });
    try {
      g.assist.script(streamReply(['more '], { finishReason: 'MAX_TOKENS' }));
      const ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: g.app.url } });
      const stream = await ai.models.generateContentStream({
        model: '流式抗截断/gemini-2.5-flash',
        contents: 'Go on forever',
      });
      let text = '';
      for await (const chunk of stream) text += chunk.text ?? '';
      expect(text).toBe('more more ');
      expect(g.assist.calls()).toHaveLength(2);
    } finally {
      await g.configure({ anti_truncation_max_attempts: null });
    }
  });
});
