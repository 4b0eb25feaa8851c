import { type FakeGoogle, startFakeGoogle } from '../support/fake-google';
import {
  type FakeCodeAssist,
  functionCallReply,
  installCodeAssist,
  quotaExceeded,
  serverError,
  slow,
  streamReply,
  textReply,
} from '../support/fake-code-assist';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const body = (extra: Record<string, unknown> = {}) => ({
  model: 'gemini-2.5-pro',
  project: 'project-a',
  request: { contents: [{ role: 'user', parts: [{ text: 'ping' }] }] },
  ...extra,
});

describe('the fake Code Assist server', () => {
  let google: FakeGoogle;
  let codeAssist: FakeCodeAssist;

  const post = (
    route: 'generate' | 'stream',
    payload: unknown = body(),
    options: { token?: string | null; signal?: AbortSignal } = {},
  ) => {
    const token = options.token === undefined ? 'token-a' : options.token;
    const path =
      route === 'generate'
        ? '/v1internal:generateContent'
        : '/v1internal:streamGenerateContent?alt=sse';
    return fetch(`${google.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GeminiCLI/0.1.5 (linux; x64)',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(payload),
      signal: options.signal,
    });
  };

  /** Reads an SSE body chunk by chunk, noting when each arrived. */
  const readChunks = async (res: Response) => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const chunks: Array<{ text: string; at: number }> = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return chunks;
      chunks.push({ text: decoder.decode(value), at: performance.now() });
    }
  };
  const events = (text: string) =>
    text
      .split('\r\n\r\n')
      .filter(Boolean)
      .map((e) => JSON.parse(e.replace(/^data: /, '')));

  beforeAll(async () => {
    google = await startFakeGoogle();
    codeAssist = installCodeAssist(google);
  });

  afterEach(() => {
    codeAssist.reset();
    google.reset();
  });

  afterAll(async () => {
    await google.close();
  });

  it('serves the OAuth token endpoint and Code Assist on one URL', async () => {
    const token = await fetch(`${google.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=r1',
    });
    expect(token.status).toBe(200);
    expect((await post('generate')).status).toBe(200);
  });

  it('answers generateContent with the {response} shape Google uses', async () => {
    codeAssist.script(textReply('hello', { thought: 'let me think' }));
    const res = await post('generate');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { response } = (await res.json()) as any;
    expect(response).toEqual({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: 'let me think', thought: true }, { text: 'hello' }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: expect.any(Number),
        candidatesTokenCount: 2,
        thoughtsTokenCount: 3,
        totalTokenCount: response.usageMetadata.promptTokenCount + 5,
      },
      modelVersion: 'gemini-2.5-pro',
      responseId: expect.stringMatching(/^fake-response-/),
    });
  });

  it('records each call parsed: route, model, project, request, token and user agent', async () => {
    await (await post('generate')).text();
    await (await post('stream', body({ project: 'project-b' }), { token: 'token-b' })).text();
    expect(codeAssist.calls()).toEqual([
      expect.objectContaining({
        route: 'generate',
        model: 'gemini-2.5-pro',
        project: 'project-a',
        request: body().request,
        token: 'token-a',
        userAgent: 'GeminiCLI/0.1.5 (linux; x64)',
        aborted: false,
        at: expect.any(Number),
      }),
      expect.objectContaining({ route: 'stream', project: 'project-b', token: 'token-b' }),
    ]);
  });

  it('echoes the last user text by default, on either route', async () => {
    const { response } = (await (await post('generate')).json()) as any;
    expect(response.candidates[0].content.parts).toEqual([
      { text: 'Echo from gemini-2.5-pro: ping' },
    ]);
    const streamed = events(await (await post('stream')).text());
    expect(streamed.length).toBeGreaterThan(1);
    const text = streamed.map((e) => e.response.candidates[0].content.parts[0].text).join('');
    expect(text).toBe('Echo from gemini-2.5-pro: ping');
  });

  it('merges a scripted stream into one response on the non-stream route', async () => {
    codeAssist.script(
      streamReply(['Hel', 'lo'], { thought: 'hm', functionCall: { name: 'f', args: { a: 1 } } }),
    );
    const { response } = (await (await post('generate')).json()) as any;
    expect(response.candidates[0].content.parts).toEqual([
      { text: 'hm', thought: true },
      { text: 'Hello' },
      { functionCall: { name: 'f', args: { a: 1 } } },
    ]);
    expect(response.candidates[0].finishReason).toBe('STOP');
  });

  it('sends a text reply on the stream route as one event, with usage and finishReason', async () => {
    codeAssist.script(
      textReply('whole', { finishReason: 'MAX_TOKENS', usage: { promptTokenCount: 7 } }),
    );
    const res = await post('stream');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const [only, ...rest] = events(await res.text());
    expect(rest).toEqual([]);
    expect(only.response.candidates[0]).toMatchObject({
      content: { parts: [{ text: 'whole' }] },
      finishReason: 'MAX_TOKENS',
    });
    expect(only.response.usageMetadata).toEqual({
      promptTokenCount: 7,
      candidatesTokenCount: 2,
      totalTokenCount: 9,
    });
  });

  it('streams CRLF-framed events separately, intervalMs apart, the last one finishing', async () => {
    codeAssist.script(streamReply(['a', 'b', 'c'], { intervalMs: 150 }));
    const chunks = await readChunks(await post('stream'));
    expect(chunks).toHaveLength(3);
    for (const chunk of chunks) expect(chunk.text).toMatch(/^data: \{.*\}\r\n\r\n$/);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i].at - chunks[i - 1].at).toBeGreaterThanOrEqual(120);
    }
    const parsed = chunks.map((c) => events(c.text)[0].response);
    expect(parsed.map((r) => r.candidates[0].content.parts[0].text)).toEqual(['a', 'b', 'c']);
    expect(parsed.map((r) => r.candidates[0].finishReason)).toEqual([undefined, undefined, 'STOP']);
    expect(parsed[2].usageMetadata.totalTokenCount).toBeGreaterThan(0);
    expect(parsed[0].usageMetadata).toBeUndefined();
  });

  it('cuts the stream after dropAfter events, failing the client read', async () => {
    codeAssist.script(streamReply(['a', 'b', 'c'], { intervalMs: 50, dropAfter: 1 }));
    const res = await post('stream');
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"text":"a"');
    await expect(reader.read()).rejects.toThrow();
    await expect(post('generate')).rejects.toThrow();
    expect(codeAssist.calls().map((c) => c.aborted)).toEqual([false, false]);
  });

  it('holds the headers back for firstByteDelayMs and slow()', async () => {
    codeAssist.script(
      streamReply(['a'], { firstByteDelayMs: 300 }),
      slow(textReply('late'), 300),
      textReply('quick'),
    );
    const waits: number[] = [];
    for (const route of ['stream', 'generate', 'generate'] as const) {
      const started = performance.now();
      const res = await post(route);
      waits.push(performance.now() - started);
      await res.text();
    }
    expect(waits[0]).toBeGreaterThanOrEqual(280);
    expect(waits[1]).toBeGreaterThanOrEqual(280);
    expect(waits[2]).toBeLessThan(250);
  });

  it('uses scripted replies in order, repeating the last', async () => {
    codeAssist.script(textReply('one'), textReply('two'));
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = (await (await post('generate')).json()) as any;
      texts.push(response.candidates[0].content.parts[0].text);
    }
    expect(texts).toEqual(['one', 'two', 'two']);
  });

  it('scripts per access token or project, ahead of the shared script', async () => {
    codeAssist.script(textReply('shared'));
    codeAssist.scriptFor('token-a', quotaExceeded(5));
    codeAssist.scriptFor('project-c', functionCallReply('lookup', { q: 'x' }));
    const limited = await post('generate');
    expect(limited.status).toBe(429);
    const other = (await (await post('generate', body(), { token: 'token-b' })).json()) as any;
    expect(other.response.candidates[0].content.parts[0].text).toBe('shared');
    const byProject = await post('generate', body({ project: 'project-c' }), { token: 'token-c' });
    const { response } = (await byProject.json()) as any;
    expect(response.candidates[0].content.parts).toEqual([
      { functionCall: { name: 'lookup', args: { q: 'x' } } },
    ]);
  });

  it('answers quota exhaustion with 429 RESOURCE_EXHAUSTED and when the quota resets', async () => {
    codeAssist.script(quotaExceeded(3.5));
    const before = Date.now();
    const res = await post('stream');
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { error } = (await res.json()) as any;
    expect(error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    const info = error.details.find((d: any) => d['@type'].endsWith('ErrorInfo'));
    expect(info).toMatchObject({
      reason: 'RATE_LIMIT_EXCEEDED',
      domain: 'cloudcode-pa.googleapis.com',
      metadata: { quotaResetDelay: '3.5s' },
    });
    const resetAt = Date.parse(info.metadata.quotaResetTimeStamp);
    expect(resetAt - before).toBeGreaterThanOrEqual(3400);
    expect(resetAt - before).toBeLessThan(4500);
  });

  it('answers a server error with 500 INTERNAL', async () => {
    codeAssist.script(serverError());
    const res = await post('generate');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' },
    });
  });

  it('refuses what Google refuses, and still records it', async () => {
    codeAssist.script(textReply('never sent'));
    const noToken = await post('generate', body(), { token: null });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as any).error.status).toBe('UNAUTHENTICATED');
    for (const bad of [
      body({ project: undefined }),
      body({ request: { contents: [] } }),
      body({ request: {} }),
    ]) {
      const res = await post('stream', bad);
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error).toMatchObject({
        code: 400,
        status: 'INVALID_ARGUMENT',
      });
    }
    expect(codeAssist.calls()).toHaveLength(4);
    expect(codeAssist.calls()[0].token).toBeUndefined();
  });

  it('marks a call aborted when the client goes away mid-stream', async () => {
    codeAssist.script(streamReply(['a', 'b', 'c', 'd'], { intervalMs: 100 }));
    const controller = new AbortController();
    const res = await post('stream', body(), { signal: controller.signal });
    await res.body!.getReader().read();
    expect(codeAssist.calls()[0].aborted).toBe(false);
    controller.abort();
    const deadline = Date.now() + 2000;
    while (!codeAssist.calls()[0].aborted && Date.now() < deadline) await sleep(10);
    expect(codeAssist.calls()[0].aborted).toBe(true);
  });

  it('marks a call aborted when the client gives up before the first byte', async () => {
    codeAssist.script(slow(textReply('late'), 1000));
    const controller = new AbortController();
    const pending = post('generate', body(), { signal: controller.signal });
    await sleep(100);
    controller.abort();
    await expect(pending).rejects.toThrow();
    const deadline = Date.now() + 2000;
    while (!codeAssist.calls()[0]?.aborted && Date.now() < deadline) await sleep(10);
    expect(codeAssist.calls()[0].aborted).toBe(true);
  });
});
