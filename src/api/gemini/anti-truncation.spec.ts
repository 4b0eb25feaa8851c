import { CONTINUE_PROMPT, MARKER_INSTRUCTION, openAntiTruncated } from './anti-truncation';
import type { GeminiRequest, GeminiResponse } from './gemini.types';

const request: GeminiRequest = {
  contents: [{ role: 'user', parts: [{ text: 'Tell me a story, 5 years old style.' }] }],
  systemInstruction: { parts: [{ text: 'Be kind.' }] },
};
const text = (t: string, finishReason?: string): GeminiResponse => ({
  candidates: [{ content: { role: 'model', parts: [{ text: t }] }, index: 0, finishReason }],
  ...(finishReason ? { usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2 } } : {}),
});

/** An `open` that answers each call with the next scripted stream and records the requests. */
function scripted(...streams: GeminiResponse[][]) {
  const sent: GeminiRequest[] = [];
  const open = async (r: GeminiRequest) => {
    sent.push(r);
    const events = streams[sent.length - 1] ?? [];
    return (async function* () {
      yield* events;
    })();
  };
  return { sent, open };
}

async function collect(stream: AsyncIterable<GeminiResponse>) {
  const events: GeminiResponse[] = [];
  for await (const event of stream) events.push(event);
  const texts = events.flatMap((e) => e.candidates?.[0].content?.parts?.map((p) => p.text) ?? []);
  return { events, text: texts.join('') };
}

describe('openAntiTruncated', () => {
  it('asks for the marker in the system instruction and strips it, split across events', async () => {
    const { sent, open } = scripted([text('Once upon '), text('a time.[do'), text('ne]', 'STOP')]);
    const { events, text: answer } = await collect(
      await openAntiTruncated(request, { maxContinuations: 3 }, open),
    );
    expect(answer).toBe('Once upon a time.');
    expect(sent).toHaveLength(1);
    expect(sent[0].systemInstruction?.parts).toEqual([
      { text: 'Be kind.' },
      { text: MARKER_INSTRUCTION },
    ]);
    // The user's text goes out untouched.
    expect(sent[0].contents).toEqual(request.contents);
    expect(events.at(-1)?.candidates?.[0].finishReason).toBe('STOP');
  });

  it('continues a cut stream from the original request, without piling turns up', async () => {
    const { sent, open } = scripted(
      [text('Part one, ', 'MAX_TOKENS')],
      [text('part two, ', 'MAX_TOKENS')],
      [text('part three.[DONE]', 'STOP')],
    );
    const { events, text: answer } = await collect(
      await openAntiTruncated(request, { maxContinuations: 3 }, open),
    );
    expect(answer).toBe('Part one, part two, part three.');
    expect(sent).toHaveLength(3);
    expect(sent[2].contents).toEqual([
      ...request.contents,
      { role: 'model', parts: [{ text: 'Part one, part two, ' }] },
      { role: 'user', parts: [{ text: CONTINUE_PROMPT }] },
    ]);
    // Only the last stream's ending reaches the client.
    const endings = events.filter((e) => e.candidates?.[0].finishReason || e.usageMetadata);
    expect(endings).toHaveLength(1);
    expect(endings[0].candidates?.[0].finishReason).toBe('STOP');
  });

  it('stops after the most continuations allowed, and after a function call', async () => {
    const cut = [text('more ', 'MAX_TOKENS')];
    const capped = scripted(cut, cut, cut, cut);
    const { text: answer } = await collect(
      await openAntiTruncated(request, { maxContinuations: 2 }, capped.open),
    );
    expect(capped.sent).toHaveLength(3);
    expect(answer).toBe('more more more ');
    const call: GeminiResponse = {
      candidates: [
        {
          content: { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
          index: 0,
        },
      ],
    };
    const tool = scripted([call]);
    await collect(await openAntiTruncated(request, { maxContinuations: 3 }, tool.open));
    expect(tool.sent).toHaveLength(1);
  });

  it('ends a stream that wrote no answer text as it is, without an empty model turn', async () => {
    const thought: GeminiResponse = {
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Hmm', thought: true }] },
          index: 0,
          finishReason: 'MAX_TOKENS',
        },
      ],
    };
    const { sent, open } = scripted([thought], [text('never asked for')]);
    const { events } = await collect(
      await openAntiTruncated(request, { maxContinuations: 3 }, open),
    );
    expect(sent).toHaveLength(1);
    expect(events.at(-1)?.candidates?.[0].finishReason).toBe('MAX_TOKENS');
  });

  it('passes text that only looked like the start of the marker', async () => {
    const { open } = scripted([text('a [d'), text('og]'), text(' b[', 'STOP')], [text('[done]')]);
    const { text: answer } = await collect(
      await openAntiTruncated(request, { maxContinuations: 1 }, open),
    );
    expect(answer).toBe('a [dog] b[');
  });

  it('continues a stream that broke off midway when the error says it was cut', async () => {
    const sent: GeminiRequest[] = [];
    const open = async (r: GeminiRequest) => {
      sent.push(r);
      const first = sent.length === 1;
      return (async function* () {
        yield text(first ? 'Half ' : 'whole.[done]', first ? undefined : 'STOP');
        if (first) throw Object.assign(new Error('socket'), { code: 'UND_ERR_SOCKET' });
      })();
    };
    const isCut = (err: unknown) => (err as { code?: string }).code === 'UND_ERR_SOCKET';
    const stream = await openAntiTruncated(request, { maxContinuations: 2, isCut }, open);
    expect((await collect(stream)).text).toBe('Half whole.');
    expect(sent).toHaveLength(2);
    sent.length = 0;
    const failing = await openAntiTruncated(request, { maxContinuations: 2 }, open);
    await expect(collect(failing)).rejects.toThrow('socket');
  });
});
